package io.stocklog.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's --help is wrapped by picocli to the width, with whole sentences in the command lists. */
class HelpTest {

  private static final int WIDTH = 80;

  @Test
  void everyHelpFitsTheWidthAndEveryCommandsSummaryIsAWholeSentence() {
    List<List<String>> commands = new ArrayList<>();
    collect(new CommandLine(new Main(Map.of(), System.out, false)), new ArrayList<>(), commands);
    assertThat(commands).hasSizeGreaterThanOrEqualTo(10);

    for (List<String> path : commands) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Cli.Run help = Cli.run(Map.of(), args.toArray(String[]::new));
      assertThat(help.exit()).as("%s", path).isZero();
      assertThat(help.out().lines()).as("stocklog-operator %s --help", String.join(" ", path))
          .allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(WIDTH));
    }
    CommandLine root = new CommandLine(new Main(Map.of(), System.out, false));
    assertSummariesAreSentences(root);
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> into) {
    into.add(List.copyOf(path));
    command.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help")) {
        List<String> deeper = new ArrayList<>(path);
        deeper.add(name);
        collect(sub, deeper, into);
      }
    });
  }

  /** The first paragraph of a description is what a parent's command list shows: it must end a sentence. */
  private static void assertSummariesAreSentences(CommandLine command) {
    command.getSubcommands().forEach((name, sub) -> {
      if (name.equals("help")) {
        return;
      }
      String[] description = sub.getCommandSpec().usageMessage().description();
      assertThat(description).as("description of %s", name).isNotEmpty();
      assertThat(description[0].strip()).as("summary of %s", name).endsWith(".");
      assertSummariesAreSentences(sub);
    });
  }
}
