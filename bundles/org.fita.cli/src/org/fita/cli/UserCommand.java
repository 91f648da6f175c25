package org.fita.cli;

import java.util.concurrent.Callable;
import org.fita.protocol.Names;
import org.fita.server.auth.AccountStore;
import org.fita.server.auth.PasswordHasher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fita-server user}: the accounts that LOGIN checks when the server runs with {@code --auth accounts}. */
@Command(name = "user",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {UserCommand.Add.class, UserCommand.Remove.class, UserCommand.ListUsers.class},
        description = {
            "Manages the accounts stored under the storage root (accounts.json).",
            "They are used when the server runs with --auth accounts; a running server sees changes at its next LOGIN.",
        })
final class UserCommand {
    @ParentCommand
    private ServerCommand server;

    private AccountStore accounts() {
        return new AccountStore(server.root().toAbsolutePath().normalize(), new PasswordHasher());
    }

    @Command(name = "add", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {
                "Adds a user. The password comes from the " + PasswordInput.ENVIRONMENT_VARIABLE
                        + " environment variable, else the terminal (asked twice), else one line of standard input.",
            })
    static final class Add implements Callable<Integer> {
        @ParentCommand
        private UserCommand user;

        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The user name, as the client sends it in LOGIN.")
        private String name;

        @Option(names = "--replace", description = "Change the password if the user exists, instead of failing.")
        private boolean replace;

        @Override
        public Integer call() throws Exception {
            // Checked before asking for the password, so nobody types one for nothing; add() checks again under its lock.
            Names.usernameProblem(name).ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
            AccountStore accounts = user.accounts();
            boolean existed = accounts.exists(name);
            if (existed && !replace) {
                throw new IllegalArgumentException("The user \"" + name + "\" already exists; add --replace to change the password.");
            }
            accounts.add(name, PasswordInput.read("Password for " + name, true), replace);
            spec.commandLine().getOut().println((existed ? "Changed the password of \"" : "Added the user \"") + name
                    + "\" in " + accounts.file() + ". Accounts are used when the server runs with --auth accounts.");
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Removes a user. Their stored files stay on disk.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        private UserCommand user;

        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The user to remove.")
        private String name;

        @Override
        public Integer call() throws Exception {
            AccountStore accounts = user.accounts();
            if (!accounts.remove(name)) {
                throw new IllegalArgumentException("There is no user \"" + name + "\" in " + accounts.file() + ".");
            }
            spec.commandLine().getOut().println("Removed the user \"" + name + "\".");
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Prints the user names, one per line, sorted.")
    static final class ListUsers implements Callable<Integer> {
        @ParentCommand
        private UserCommand user;

        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            for (String name : user.accounts().list()) {
                spec.commandLine().getOut().println(name);
            }
            return ExitCodes.OK;
        }
    }
}
