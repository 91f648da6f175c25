#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz tests from the golden packets of STEP-PROTOCOL.md section 12.

Run from releng/org.fita.fuzz: python3 src/test/seeds/make-seeds.py
The requests are the exact JSON texts of the captures, framed as classic clients frame them.
"""
import hashlib
import os
import struct

TOKEN = "MjI1NDAwMS4yMDI2MTEyNDA5MDQzNy5sb2dpbi4wMmY3NGRhZjcwMDRhMjljZjIxZDYyZjQ4NjY4MDE0ZA=="
RES = os.path.join("src", "test", "resources", "org", "fita", "fuzz")
READER = os.path.join(RES, "FrameReaderFuzzTestInputs", "readsOnlyFramesOrDocumentedErrors")
SERVER = os.path.join(RES, "ServerRequestFuzzTestInputs", "answersEveryRequest")


def frame(text, payload=b""):
    body = text.encode("utf-8")
    return struct.pack(">II", len(body), len(payload)) + body + payload


def request(typ, op, fields):
    return ('{"type": "%s", "operation": "%s", "direction": "REQUEST", "token": "%s", ' % (typ, op, TOKEN)
            + ", ".join('"%s": %s' % (k, v) for k, v in fields) + "}")


# 12.1, 12.3, 12.5: LOGIN, FILE SAVE of demo.bin (50000 bytes), UPLOAD of its last block.
login = frame('{"type": "AUTH", "operation": "LOGIN", "direction": "REQUEST", "username": "2254001", '
              '"password": "0fad7aae93eb58a6cda4c7d10023adc6"}')
assert len(login) == 8 + 0x85
save = frame(request("FILE", "SAVE", [("key", '"demo.bin"'), ("size", "50000")]))
assert len(save) == 8 + 0xc0
data = bytes(i & 0xFF for i in range(50000))
blocks = [data[i * 20480:(i + 1) * 20480] for i in range(3)]
uploads = [frame(request("FILE", "UPLOAD", [("key", '"demo.bin"'), ("block_index", str(i))]), blocks[i]) for i in range(3)]
assert uploads[2][:8] == bytes.fromhex("000000c500002350")
# 12.2, 12.4: the replies, which a server must refuse as requests (direction RESPONSE).
login_reply = frame('{"token": "%s", "operation": "LOGIN", "direction": "RESPONSE", "status": 200, '
                    '"status_msg": "Login successfully", "type": "AUTH"}' % TOKEN)
assert len(login_reply) == 8 + 0xd3
plan_reply = frame('{"key": "demo.bin", "size": 50000, "total_block": 3, "block_size": 20480, "operation": "SAVE", '
                   '"direction": "RESPONSE", "status": 200, "status_msg": "This is the upload plan.", "type": "FILE"}')
assert len(plan_reply) == 8 + 0xc0
get = frame(request("FILE", "GET", [("key", '"demo.bin"')]))
downloads = [frame(request("FILE", "DOWNLOAD", [("key", '"demo.bin"'), ("block_index", str(i))])) for i in range(3)]
delete = frame(request("FILE", "DELETE", [("key", '"demo.bin"')]))
earth = frame('{"direction": "EARTH"}')
data_save = frame(request("DATA", "SAVE", [("key", '"note"'), ("text", '"\\u6570\\u636e1"')]))
data_get = frame(request("DATA", "GET", [("key", '"note"')]))

lifecycle = login + save + b"".join(uploads) + get + b"".join(downloads) + delete

# Extensions 2.10 and 2.11 (docs/protocol-extensions.md): an inline FILE SAVE of hello.txt, then BATCH_GETs of it.
HELLO_MD5 = hashlib.md5(b"hello").hexdigest()
inline_save = frame(request("FILE", "SAVE", [("key", '"notes/hello.txt"'), ("size", "5"), ("fita_version", "1"),
                                             ("inline", "true"), ("md5", '"%s"' % HELLO_MD5)]), b"hello")


def batch_get(entries):
    files = ", ".join('{"key": "%s", "size": %d, "md5": "%s"}' % e for e in entries)
    return frame(request("FILE", "BATCH_GET", [("fita_version", "1"), ("files", "[%s]" % files)]))


hello = ("notes/hello.txt", 5, HELLO_MD5)
# ok, not_found, changed (another MD5), ok (MD5 in upper case).
mixed = batch_get([hello, ("notes/gone.txt", 3, hashlib.md5(b"foo").hexdigest()), ("notes/hello.txt", 5, "0" * 32),
                   ("notes/hello.txt", 5, HELLO_MD5.upper())])
# 64 files (the limit: 200), 65 files (413), and two whose sizes pass this test server's 20480-byte batch limit (413).
limits = (batch_get([hello] * 64) + batch_get([hello] * 65)
          + batch_get([("notes/hello.txt", 10240, HELLO_MD5), ("notes/other.txt", 10241, HELLO_MD5)]))
delete_hello = frame(request("FILE", "DELETE", [("key", '"notes/hello.txt"')]))
seeds = {
    "golden-login": login,
    "golden-file-save": save,
    "golden-upload-last-block": uploads[2],
    "golden-login-reply": login_reply,
    "golden-plan-reply": plan_reply,
    "golden-lifecycle": lifecycle,
    "golden-data": login + data_save + data_get,
    "earth": earth,
}
server_only = {
    "batch-get": inline_save + mixed + delete_hello,
    "batch-get-limits": inline_save + limits + delete_hello,
}

os.makedirs(READER, exist_ok=True)
os.makedirs(SERVER, exist_ok=True)
for name, body in seeds.items():
    # FrameReader: the first byte picks limits and reading style (see FrameReaderFuzzTest).
    with open(os.path.join(READER, name), "wb") as f:
        f.write(b"\x02" + body)
    # Server: the last byte, odd, selects raw mode (FuzzedDataProvider takes it from the end).
    with open(os.path.join(SERVER, name), "wb") as f:
        f.write(body + b"\x01")
for name, body in server_only.items():
    with open(os.path.join(SERVER, name), "wb") as f:
        f.write(body + b"\x01")
with open(os.path.join(READER, "golden-lifecycle-streamed"), "wb") as f:
    f.write(bytes([0x40 | 0x0c]) + lifecycle)  # server default limits, 10-byte reads, payloads streamed
with open(os.path.join(READER, "golden-lifecycle-strict-read"), "wb") as f:
    f.write(bytes([0x21 | 0x04]) + lifecycle)  # strict client limits, 4-byte reads, payloads read whole
print("seeds written")
