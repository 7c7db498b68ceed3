package io.stocklog.operator;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code dlq list} and {@code dlq replay}: see {@link DeadLetters} and {@link DeadLetterFixes}. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
    description = {
        "Dead letters: records of the events topic the projector could not use, with the error and the original "
            + "bytes. `list` shows them; `list --json` writes one editable JSON line each; `replay` re-appends "
            + "fixed lines."},
    subcommands = {DlqCommand.ListLetters.class, DlqCommand.ReplayLetters.class, CommandLine.HelpCommand.class})
final class DlqCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(main.out);
    return 2;
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {
          "Show the dead letters, oldest first: where the original record is in the events topic, its time, the "
              + "error, its key and its value (as text when it is UTF-8, else base64).",
          "With --json, one JSON line per dead letter: {source, partition, offset, timestamp, error, key, value "
              + "(or valueBase64), truncated?, deadLetter}. Edit `value` (the event's JSON text; an event object "
              + "works too) or `key`, keep the lines to re-append, and give them to `dlq replay`.",
          "A dead letter stays in its topic after a replay: the topic is a log, not a queue."})
  static final class ListLetters implements Callable<Integer> {
    @ParentCommand DlqCommand dlq;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "One editable JSON line per dead letter (for `dlq replay`).")
    boolean json;

    @Option(names = "--limit", defaultValue = "1000", paramLabel = "N",
        description = "Show at most the N oldest (default ${DEFAULT-VALUE}); the total is always counted.")
    int limit;

    @Override
    public Integer call() {
      if (limit < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1");
      }
      OperatorSettings s = dlq.main.kafkaSettings();
      DeadLetters.Listing listing = DeadLetters.read(s.bootstrapServers(), s.topics().deadLetters(), limit,
          Duration.ofSeconds(60));
      if (json) {
        DeadLetters.printJsonLines(listing, s.topics().deadLetters(), dlq.main.out);
        if (listing.letters().size() < listing.total()) {
          System.err.printf("%d of %d dead letters written (the oldest); raise --limit for more%n",
              listing.letters().size(), listing.total());
        }
      } else {
        DeadLetters.printHuman(listing, s.topics().deadLetters(), dlq.main.out);
      }
      return 0;
    }
  }

  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = {
          "Re-append fixed dead letters to the events topic. FILE (or - for standard input) holds lines as "
              + "`dlq list --json` writes them; blank lines and lines starting with # are skipped.",
          "Each line's event is its `value`: the event's JSON text, or the event as a JSON object. Its `key`, if "
              + "not null, must be the event's sku; the record is appended keyed by the sku (idempotent producer, "
              + "acks=all), and its new position is printed (a token for the query service's ?minPosition=).",
          "Every line is checked first as the projector checks it: if any is invalid, none is appended (unless "
              + "--skip-invalid), and each refusal says why. Clock ticks are not replayed.",
          "Re-appending an event whose ID (receiptId, adjustmentId or orderId) was already decided is harmless: "
              + "the fold answers it with the first decision, marked duplicate, and changes nothing (the same ID "
              + "with a different body is rejected as ID_CONFLICT).",
          "Exit 1 if any line was refused or not appended."})
  static final class ReplayLetters implements Callable<Integer> {
    @ParentCommand DlqCommand dlq;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "JSON lines to replay, or - for standard input.")
    String file;

    @Option(names = "--dry-run", description = "Check every line; append nothing.")
    boolean dryRun;

    @Option(names = "--skip-invalid", description = "Append the valid lines even if others are invalid.")
    boolean skipInvalid;

    @Override
    public Integer call() throws Exception {
      OperatorSettings s = dlq.main.settings();
      var out = dlq.main.out;
      if (!file.equals("-") && !Files.isReadable(Path.of(file))) {
        throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + file);
      }
      DeadLetterFixes.Checked checked;
      try (BufferedReader in = file.equals("-")
          ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
          : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
        checked = DeadLetterFixes.check(in);
      }
      for (DeadLetterFixes.Invalid i : checked.invalid()) {
        out.printf("refused %s: %s%n", DeadLetterFixes.label(i.line(), i.source()), i.reason());
      }
      int lines = checked.valid().size() + checked.invalid().size();
      if (lines == 0) {
        out.println("nothing to replay: no lines in " + (file.equals("-") ? "the input" : file));
        return 0;
      }
      if (!checked.invalid().isEmpty() && !skipInvalid && !dryRun) {
        out.printf("nothing appended: %d of %d lines are invalid; %s%n", checked.invalid().size(), lines,
            checked.valid().isEmpty() ? "fix them and replay again"
                : "fix them, or append the " + checked.valid().size() + " valid with --skip-invalid");
        return 1;
      }
      if (dryRun) {
        for (DeadLetterFixes.Valid v : checked.valid()) {
          out.printf("valid %s: %s, sku %s, event %s%n", DeadLetterFixes.label(v.line(), v.source()), v.event().type(),
              v.event().sku(), v.event().eventId());
        }
        out.printf("dry run: %d valid, %d invalid, nothing appended%n", checked.valid().size(),
            checked.invalid().size());
        return checked.invalid().isEmpty() ? 0 : 1;
      }
      if (!checked.valid().isEmpty()) {
        Failures.requireKafka(s);
      }
      int failed = checked.valid().isEmpty() ? 0
          : DeadLetterFixes.append(s.bootstrapServers(), s.topics().events(), checked.valid(), out);
      out.printf("appended %d of %d lines to %s%s%n", checked.valid().size() - failed, lines, s.topics().events(),
          checked.invalid().isEmpty() ? "" : "; " + checked.invalid().size() + " invalid skipped");
      return checked.invalid().isEmpty() && failed == 0 ? 0 : 1;
    }
  }
}
