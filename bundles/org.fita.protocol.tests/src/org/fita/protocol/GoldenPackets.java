package org.fita.protocol;

import java.io.ByteArrayOutputStream;

/** The captures of STEP-PROTOCOL section 12, byte for byte. */
final class GoldenPackets {
    private GoldenPackets() {
    }

    static final String TOKEN_2254001 = "MjI1NDAwMS4yMDI2MTEyNDA5MDQzNy5sb2dpbi4wMmY3NGRhZjcwMDRhMjljZjIxZDYyZjQ4NjY4MDE0ZA==";

    /** 12.1: the LOGIN request of user 2254001. */
    static final byte[] LOGIN_REQUEST = hex(
            "00 00 00 85 00 00 00 00 7b 22 74 79 70 65 22 3a"
            + "20 22 41 55 54 48 22 2c 20 22 6f 70 65 72 61 74"
            + "69 6f 6e 22 3a 20 22 4c 4f 47 49 4e 22 2c 20 22"
            + "64 69 72 65 63 74 69 6f 6e 22 3a 20 22 52 45 51"
            + "55 45 53 54 22 2c 20 22 75 73 65 72 6e 61 6d 65"
            + "22 3a 20 22 32 32 35 34 30 30 31 22 2c 20 22 70"
            + "61 73 73 77 6f 72 64 22 3a 20 22 30 66 61 64 37"
            + "61 61 65 39 33 65 62 35 38 61 36 63 64 61 34 63"
            + "37 64 31 30 30 32 33 61 64 63 36 22 7d");

    /** 12.2: the reference server's LOGIN reply. */
    static final byte[] LOGIN_RESPONSE = hex(
            "00 00 00 d3 00 00 00 00 7b 22 74 6f 6b 65 6e 22"
            + "3a 20 22 4d 6a 49 31 4e 44 41 77 4d 53 34 79 4d"
            + "44 49 32 4d 54 45 79 4e 44 41 35 4d 44 51 7a 4e"
            + "79 35 73 62 32 64 70 62 69 34 77 4d 6d 59 33 4e"
            + "47 52 68 5a 6a 63 77 4d 44 52 68 4d 6a 6c 6a 5a"
            + "6a 49 78 5a 44 59 79 5a 6a 51 34 4e 6a 59 34 4d"
            + "44 45 30 5a 41 3d 3d 22 2c 20 22 6f 70 65 72 61"
            + "74 69 6f 6e 22 3a 20 22 4c 4f 47 49 4e 22 2c 20"
            + "22 64 69 72 65 63 74 69 6f 6e 22 3a 20 22 52 45"
            + "53 50 4f 4e 53 45 22 2c 20 22 73 74 61 74 75 73"
            + "22 3a 20 32 30 30 2c 20 22 73 74 61 74 75 73 5f"
            + "6d 73 67 22 3a 20 22 4c 6f 67 69 6e 20 73 75 63"
            + "63 65 73 73 66 75 6c 6c 79 22 2c 20 22 74 79 70"
            + "65 22 3a 20 22 41 55 54 48 22 7d");

    /** 12.3: FILE SAVE of key demo.bin, size 50000. */
    static final byte[] FILE_SAVE_REQUEST = hex(
            "00 00 00 c0 00 00 00 00 7b 22 74 79 70 65 22 3a"
            + "20 22 46 49 4c 45 22 2c 20 22 6f 70 65 72 61 74"
            + "69 6f 6e 22 3a 20 22 53 41 56 45 22 2c 20 22 64"
            + "69 72 65 63 74 69 6f 6e 22 3a 20 22 52 45 51 55"
            + "45 53 54 22 2c 20 22 74 6f 6b 65 6e 22 3a 20 22"
            + "4d 6a 49 31 4e 44 41 77 4d 53 34 79 4d 44 49 32"
            + "4d 54 45 79 4e 44 41 35 4d 44 51 7a 4e 79 35 73"
            + "62 32 64 70 62 69 34 77 4d 6d 59 33 4e 47 52 68"
            + "5a 6a 63 77 4d 44 52 68 4d 6a 6c 6a 5a 6a 49 78"
            + "5a 44 59 79 5a 6a 51 34 4e 6a 59 34 4d 44 45 30"
            + "5a 41 3d 3d 22 2c 20 22 6b 65 79 22 3a 20 22 64"
            + "65 6d 6f 2e 62 69 6e 22 2c 20 22 73 69 7a 65 22"
            + "3a 20 35 30 30 30 30 7d");

    /** 12.4: the upload plan for demo.bin. */
    static final byte[] UPLOAD_PLAN_RESPONSE = hex(
            "00 00 00 c0 00 00 00 00 7b 22 6b 65 79 22 3a 20"
            + "22 64 65 6d 6f 2e 62 69 6e 22 2c 20 22 73 69 7a"
            + "65 22 3a 20 35 30 30 30 30 2c 20 22 74 6f 74 61"
            + "6c 5f 62 6c 6f 63 6b 22 3a 20 33 2c 20 22 62 6c"
            + "6f 63 6b 5f 73 69 7a 65 22 3a 20 32 30 34 38 30"
            + "2c 20 22 6f 70 65 72 61 74 69 6f 6e 22 3a 20 22"
            + "53 41 56 45 22 2c 20 22 64 69 72 65 63 74 69 6f"
            + "6e 22 3a 20 22 52 45 53 50 4f 4e 53 45 22 2c 20"
            + "22 73 74 61 74 75 73 22 3a 20 32 30 30 2c 20 22"
            + "73 74 61 74 75 73 5f 6d 73 67 22 3a 20 22 54 68"
            + "69 73 20 69 73 20 74 68 65 20 75 70 6c 6f 61 64"
            + "20 70 6c 61 6e 2e 22 2c 20 22 74 79 70 65 22 3a"
            + "20 22 46 49 4c 45 22 7d");

    /** 12.5: JSON of the UPLOAD of the last block (index 2); its payload is 9040 bytes. */
    static final String UPLOAD_LAST_BLOCK_JSON = "{\"type\": \"FILE\", \"operation\": \"UPLOAD\", \"direction\": \"REQUEST\", "
            + "\"token\": \"" + TOKEN_2254001 + "\", \"key\": \"demo.bin\", \"block_index\": 2}";

    /** 12.5: the reply to that UPLOAD. */
    static final String UPLOAD_BLOCK_RESPONSE_JSON = "{\"key\": \"demo.bin\", \"block_index\": 2, \"operation\": \"UPLOAD\", "
            + "\"direction\": \"RESPONSE\", \"status\": 200, \"status_msg\": \"The block 2 is uploaded.\", \"type\": \"FILE\"}";

    static byte[] hex(String spaced) {
        String s = spaced.replace(" ", "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i += 2) {
            out.write(Integer.parseInt(s.substring(i, i + 2), 16));
        }
        return out.toByteArray();
    }
}
