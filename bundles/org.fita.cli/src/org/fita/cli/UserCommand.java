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
        subcommands = {UserCommand.Add.class, UserCommand.Remove.class, UserCommand.ListUsers.class,
            UserCommand.Quota.class, UserCommand.Revoke.class},
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

        @Option(names = "--replace", description = "Change the password if the user exists, instead of failing."
                + " Tokens issued before stop working.")
        private boolean replace;

        @Option(names = "--quota", paramLabel = "SIZE", description = "Bytes the user may use (finished files, DATA"
                + " records and unfinished uploads), such as 10G, or 'none'. Default: the server's --default-quota.")
        private String quota;

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
            Long bytes = quota == null ? null : parseQuota(quota);
            accounts.add(name, PasswordInput.read("Password for " + name, true), replace, bytes);
            spec.commandLine().getOut().println((existed ? "Changed the password of \"" : "Added the user \"") + name
                    + "\" in " + accounts.file() + ". Accounts are used when the server runs with --auth accounts.");
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Removes a user and revokes their tokens. Their stored files stay on disk.")
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

    static long parseQuota(String text) {
        return text.equalsIgnoreCase("none") ? org.fita.server.ServerConfig.NO_QUOTA : ByteSizes.parse(text);
    }

    @Command(name = "quota", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Sets how many bytes a user may use (finished files, DATA records and unfinished uploads)."
                    + " A running server applies it to the user's next FILE or DATA SAVE.")
    static final class Quota implements Callable<Integer> {
        @ParentCommand
        private UserCommand user;

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The user.")
        private String name;

        @Parameters(index = "1", paramLabel = "SIZE", description = "Bytes, such as 10G or 500M; 'none' for no"
                + " limit; 'default' to follow the server's --default-quota.")
        private String size;

        @Override
        public Integer call() throws Exception {
            Long bytes = size.equalsIgnoreCase("default") ? null : parseQuota(size);
            user.accounts().setQuota(name, bytes);
            spec.commandLine().getOut().println("The quota of \"" + name + "\" is now "
                    + (bytes == null ? "the server's default" : bytes == org.fita.server.ServerConfig.NO_QUOTA
                            ? "none" : ByteSizes.format(bytes) + " (" + bytes + " bytes)") + ".");
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Makes every token issued so far to a user invalid at once (the user logs in again)."
                    + " Works for classic-mode users without an account too.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        private UserCommand user;

        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The user whose tokens to revoke.")
        private String name;

        @Override
        public Integer call() throws Exception {
            Names.usernameProblem(name).ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
            user.accounts().revoke(name);
            spec.commandLine().getOut().println("Every token issued to \"" + name + "\" so far is revoked.");
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
