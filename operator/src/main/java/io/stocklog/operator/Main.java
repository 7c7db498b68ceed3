package io.stocklog.operator;

import io.stocklog.projector.ProjectorConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code stocklog-operator}: what operators do to a running system. Reads the same environment variables as
 * the services ({@link OperatorSettings}); every command is safe to run while the system serves.
 */
@Command(name = "stocklog-operator", mixinStandardHelpOptions = true, version = "stocklog-operator 0.1.0",
    description = "Operate a running stocklog: look at it, rebuild its projections from the log, undo.",
    subcommands = {
        StatusCommand.class, TopicsCommand.class, DlqCommand.class, Verify.class,
        Main.Rebuild.class, Main.Rollback.class, Main.Drop.class, CommandLine.HelpCommand.class})
public final class Main {

  final Map<String, String> env;
  final PrintStream out;
  final boolean terminal;

  Main(Map<String, String> env, PrintStream out, boolean terminal) {
    this.env = env;
    this.out = out;
    this.terminal = terminal;
  }

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-operator.xml");
    }
    System.exit(run(System.getenv(), System.out, System.console() != null, args));
  }

  /** Runs one command line; returns its exit code (0 done, 1 refused or failed, 2 usage, 3 differences found). */
  public static int run(Map<String, String> env, PrintStream out, boolean terminal, String... args) {
    CommandLine cli = new CommandLine(new Main(env, out, terminal));
    cli.setOut(new java.io.PrintWriter(out, true));
    // Help is wrapped to the terminal's width (80 columns when there is none), every command's the same way.
    cli.setUsageHelpAutoWidth(true);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("error: " + Failures.describe(e, settingsIfValid(env)));
      return 1;
    });
    return cli.execute(args);
  }

  private static OperatorSettings settingsIfValid(Map<String, String> env) {
    try {
      return OperatorSettings.fromEnv(env);
    } catch (RuntimeException e) {
      return null;
    }
  }

  OperatorSettings settings() {
    return OperatorSettings.fromEnv(env);
  }

  /** The settings, once a broker answers at their address ({@link Failures#requireKafka}). */
  OperatorSettings kafkaSettings() {
    OperatorSettings settings = settings();
    Failures.requireKafka(settings);
    return settings;
  }

  /** What a command that changes projections does, given them; returns its exit code. */
  interface ProjectionsAction {
    int run(Projections projections) throws Exception;
  }

  /** Runs {@code action} and closes the connections after. */
  int withProjections(Duration timeout, ProjectionsAction action) throws Exception {
    try (Connections c = new Connections(kafkaSettings())) {
      return action.run(new Projections(c, ProjectorConfig.fromEnv(env), out, terminal, timeout));
    }
  }

  /** Options every command that waits on the live services takes. */
  static final class Waiting {
    @Option(names = "--timeout", defaultValue = "120",
        description = "Seconds to wait for the live services at each step before giving up (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    Duration timeout() {
      return Duration.ofSeconds(timeoutSeconds);
    }
  }

  @Command(name = "rebuild", mixinStandardHelpOptions = true,
      description = {
          "Replay inventory.events from the beginning into a fresh projection while the live one keeps serving; "
              + "when it has caught up with the head of the log, it takes over deciding and serving in one switch.",
          "The new projection has its own projector application, state, schema and private outcomes topic. The "
              + "previous one stays, kept current, for `rollback` until `drop`. Outcomes are never published twice."})
  static final class Rebuild implements Callable<Integer> {
    @ParentCommand Main main;
    @Option(names = "--name", description = "Name of the new projection (default: r<UTC time>).")
    String name;
    @CommandLine.Mixin Waiting waiting = new Waiting();

    @Override
    public Integer call() throws Exception {
      return main.withProjections(waiting.timeout(), projections -> {
        Projections.RebuildResult r = projections.rebuild(name != null ? name : Projections.newName());
        main.out.printf("rebuilt %s: %,d events folded in %.1f s (%,.0f events/s), handoff %.1f s%n",
            r.projection().name(), r.eventsFolded(), r.catchUp().toMillis() / 1000.0, r.eventsPerSecond(),
            r.handoff().toMillis() / 1000.0);
        return 0;
      });
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = {
          "Serve and decide with the projection that served before the last switch (or --to NAME) again.",
          "It was kept current, so reads switch at once; its projector catches up, then takes over deciding. Also "
              + "undoes a handoff that was interrupted."})
  static final class Rollback implements Callable<Integer> {
    @ParentCommand Main main;
    @Option(names = "--to", description = "The projection to go back to (default: the previous one).")
    String to;
    @CommandLine.Mixin Waiting waiting = new Waiting();

    @Override
    public Integer call() throws Exception {
      return main.withProjections(waiting.timeout(), projections -> {
        projections.rollback(to);
        return 0;
      });
    }
  }

  @Command(name = "drop", mixinStandardHelpOptions = true,
      description = {"Delete a projection that is neither served nor deciding: its schema, topics and groups.",
          "Exit 1 if a consumer group could not be deleted (it is named; the rest is deleted all the same)."})
  static final class Drop implements Callable<Integer> {
    @ParentCommand Main main;
    @Parameters(paramLabel = "NAME", description = "The projection to drop.")
    String name;
    @CommandLine.Mixin Waiting waiting = new Waiting();

    @Override
    public Integer call() throws Exception {
      return main.withProjections(waiting.timeout(), projections -> projections.drop(name).isEmpty() ? 0 : 1);
    }
  }
}
