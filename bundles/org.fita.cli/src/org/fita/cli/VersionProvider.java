package org.fita.cli;

import org.fita.server.StepServer;
import picocli.CommandLine.IVersionProvider;

/** {@code --version} of every FiTA command: the FiTA release and the Java runtime it runs on. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "${COMMAND-FULL-NAME} (" + StepServer.NAME + ")",
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
        };
    }
}
