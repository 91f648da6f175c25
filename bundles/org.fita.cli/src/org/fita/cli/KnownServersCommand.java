package org.fita.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.fita.transfer.ServerAddress;
import org.fita.transfer.trust.KnownServers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fita known-servers}: the TLS servers whose certificates were accepted on first use; forgets one. */
@Command(name = "known-servers", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Lists the servers in known_servers (under FITA_HOME, default ~/.fita): HOST:PORT, the fingerprint of the"
                    + " certificate accepted, and the day. --remove HOST:PORT forgets one, for example after its"
                    + " certificate changed on purpose; the next connection then asks again.",
        })
final class KnownServersCommand implements Callable<Integer> {
    @ParentCommand
    private ClientCommand client;

    @Spec
    private CommandSpec spec;

    @Option(names = "--remove", paramLabel = "HOST:PORT", description = "Forget this server.")
    private String remove;

    @Override
    public Integer call() throws IOException {
        KnownServers known = ClientCommand.knownServers();
        PrintWriter out = spec.commandLine().getOut();
        boolean json = client.json();
        if (remove != null) {
            ServerAddress server = ServerUrl.parse(remove).address();
            boolean removed = known.remove(server);
            if (json) {
                JsonObject o = new JsonObject();
                o.addProperty("operation", "known-servers");
                o.addProperty("server", KnownServers.key(server));
                o.addProperty("status", removed ? "removed" : "not-known");
                out.println(TerminalText.json(o));
            } else {
                out.println(TerminalText.escape(removed ? "Removed " + KnownServers.key(server) + " from " + known.file() + "."
                        : KnownServers.key(server) + " is not in " + known.file() + "."));
            }
            out.flush();
            return ExitCodes.OK;
        }
        List<KnownServers.Entry> entries = known.entries();
        if (json) {
            JsonArray array = new JsonArray();
            for (KnownServers.Entry e : entries) {
                JsonObject o = new JsonObject();
                o.addProperty("server", e.server());
                o.addProperty("fingerprint", e.fingerprint().toString());
                o.addProperty("accepted", e.accepted() == null ? null : e.accepted().toString());
                array.add(o);
            }
            out.println(TerminalText.json(array));
        } else if (entries.isEmpty()) {
            out.println(TerminalText.escape("No known servers in " + known.file() + "."));
        } else {
            for (KnownServers.Entry e : entries) {
                out.println(TerminalText.escape(e.line()));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
