package io.stocklog.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stocklog.command.AuthMode;
import io.stocklog.command.CommandConfig;
import io.stocklog.json.Json;
import io.stocklog.projector.ProjectorServiceConfig;
import io.stocklog.query.QueryConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What can be checked of the container deployment without a Docker engine (the build machines have none):
 * the compose file parses, every variable it sets is one its service reads, ports and service names agree
 * with the code's defaults, Kafka's listeners serve the containers and the host, the scaled setup is a quorum
 * of three whose every broker the services wait for, every service restarts, Postgres is private and has no
 * default password, and the images build from a dependency layer without compiling tests and run as non-root
 * with a health check. Nothing here starts a container; the README says what was and was not run for real.
 */
class DeploymentFilesTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern DEFAULTED = Pattern.compile("\\$\\{([A-Z_]+):-([^}]*)}");
  private static final Pattern REQUIRED = Pattern.compile("\\$\\{([A-Z_]+):\\?([^}]*)}");
  /** What compose refuses to start without (${VAR:?message}), as an operator would set it. */
  private static final Map<String, String> SET_BY_OPERATOR = Map.of(
      "STOCKLOG_API_TOKENS", "0123456789abcdef0123456789abcdef=operator",
      "POSTGRES_PASSWORD", "a-password-of-the-operators-own");
  private static final List<String> BROKERS = List.of("kafka", "kafka-2", "kafka-3");
  private static final List<String> KAFKA_CLIENTS = List.of("projector", "projector-2", "command-service");

  private final Map<String, Object> compose = load();

  @SuppressWarnings("unchecked")
  private static Map<String, Object> load() {
    try {
      return new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read docker-compose.yml at " + ROOT, e);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> service(String name) {
    Map<String, Object> services = (Map<String, Object>) compose.get("services");
    assertThat(services).as("services in docker-compose.yml").containsKey(name);
    return (Map<String, Object>) services.get(name);
  }

  private Map<String, String> environment(String name) {
    return environment(name, Map.of());
  }

  /** A service's environment as compose gives it, with {@code set} the variables of the shell or env file. */
  @SuppressWarnings("unchecked")
  private Map<String, String> environment(String name, Map<String, String> set) {
    Map<String, String> env = new LinkedHashMap<>();
    ((Map<String, Object>) service(name).get("environment"))
        .forEach((k, v) -> env.put(k, resolve(String.valueOf(v), set)));
    return env;
  }

  private static String resolve(String value) {
    return resolve(value, Map.of());
  }

  /**
   * Compose's interpolation: ${VAR:-default} is the variable if {@code set} has it, else the default;
   * ${VAR:?message} is the variable, which the operator must set.
   */
  private static String resolve(String value, Map<String, String> set) {
    String defaulted = DEFAULTED.matcher(value)
        .replaceAll(r -> Matcher.quoteReplacement(set.getOrDefault(r.group(1), r.group(2))));
    return REQUIRED.matcher(defaulted).replaceAll(r -> {
      assertThat(SET_BY_OPERATOR).as("a value for %s, which compose requires", r.group(1)).containsKey(r.group(1));
      return Matcher.quoteReplacement(SET_BY_OPERATOR.get(r.group(1)));
    });
  }

  /** deploy/scale.env, as compose reads an env file: NAME=value lines, # comments. */
  private static Map<String, String> scaleEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : read(ROOT.resolve("deploy/scale.env")).lines().toList()) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
      }
    }
    return env;
  }

  /** The variables a service's fromEnv reads, found by handing it a map that records every lookup. */
  private static Set<String> variablesRead(Consumer<Map<String, String>> fromEnv) {
    Set<String> read = new TreeSet<>();
    Map<String, String> recording = new HashMap<>() {
      @Override
      public String get(Object key) {
        read.add((String) key);
        return super.get(key);
      }

      @Override
      public String getOrDefault(Object key, String fallback) {
        read.add((String) key);
        return super.getOrDefault(key, fallback);
      }
    };
    fromEnv.accept(recording);
    return read;
  }

  @Test
  void theComposeFileRunsTheWholeSystemAndTheScaleProfileAddsBrokersAndAProjector() {
    for (String name : List.of("kafka", "postgres", "projector", "command-service", "query-service")) {
      assertThat(service(name).get("profiles")).as("%s runs without a profile", name).isNull();
    }
    for (String name : List.of("kafka-2", "kafka-3", "projector-2")) {
      assertThat(service(name).get("profiles")).as("%s is in the scale profile", name).isEqualTo(List.of("scale"));
    }
    // One Kafka release everywhere: the brokers compose runs are the release the clients and the tests use.
    java.util.regex.Matcher kafka = Pattern.compile("<kafka.version>([^<]+)</kafka.version>")
        .matcher(read(ROOT.resolve("pom.xml")));
    assertThat(kafka.find()).as("kafka.version in the parent pom").isTrue();
    for (String name : List.of("kafka", "kafka-2", "kafka-3")) {
      assertThat(service(name).get("image")).as(name).isEqualTo("apache/kafka:" + kafka.group(1));
    }
    assertThat(service("postgres").get("image")).isEqualTo("postgres:16");
  }

  @Test
  void everyVariableTheComposeFileSetsIsOneItsServiceReads() {
    assertThat(environment("command-service").keySet())
        .isSubsetOf(variablesRead(CommandConfig::fromEnv));
    assertThat(environment("query-service").keySet())
        .isSubsetOf(variablesRead(QueryConfig::fromEnv));
    assertThat(environment("projector").keySet())
        .isSubsetOf(variablesRead(ProjectorServiceConfig::fromEnv));
    assertThat(environment("projector-2").keySet())
        .isSubsetOf(variablesRead(ProjectorServiceConfig::fromEnv));
  }

  @Test
  void theConfigurationTheComposeFileSetsIsValid() {
    CommandConfig command = CommandConfig.fromEnv(environment("command-service"));
    QueryConfig query = QueryConfig.fromEnv(environment("query-service"));
    ProjectorServiceConfig projector = ProjectorServiceConfig.fromEnv(environment("projector"));
    assertThat(command.bootstrapServers()).isEqualTo("kafka:19092");
    assertThat(projector.projector().bootstrapServers()).isEqualTo("kafka:19092");
    assertThat(query.jdbcUrl()).isEqualTo(projector.jdbcUrl()).contains("//postgres:5432/");
    assertThat(query.partitions()).isEqualTo(projector.projector().topics().partitions())
        .isEqualTo(command.topics().partitions());
  }

  @Test
  @SuppressWarnings("unchecked")
  void theCommandServiceRequiresTokensAndHasNoDefaultOne() {
    Map<String, Object> raw = (Map<String, Object>) service("command-service").get("environment");
    assertThat(String.valueOf(raw.get("STOCKLOG_API_TOKENS"))).as("compose refuses to start without tokens")
        .matches("\\$\\{STOCKLOG_API_TOKENS:\\?[^}]+}");

    CommandConfig command = CommandConfig.fromEnv(environment("command-service"));
    assertThat(command.auth()).isEqualTo(AuthMode.REQUIRED);
    assertThat(command.apiTokens().size()).isEqualTo(1);
    command.requireUsableAuth();
  }

  @Test
  void portsAndServiceNamesAgreeWithTheCodesDefaults() {
    assertPorts("command-service", CommandConfig.fromEnv(Map.of()).httpPort(), 8081);
    assertPorts("query-service", QueryConfig.fromEnv(Map.of()).httpPort(), 8082);
    assertPorts("projector", ProjectorServiceConfig.fromEnv(Map.of()).httpPort(), 8083);
    assertThat(resolve(String.valueOf(service("kafka").get("ports")))).isEqualTo("[127.0.0.1:9092:9092]");
    assertThat(CommandConfig.fromEnv(Map.of()).bootstrapServers()).as("what a process on the host uses")
        .isEqualTo("localhost:9092");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyBrokerServesTheContainersInsideAndTheHostOnItsPublishedPort() {
    for (String broker : BROKERS) {
      Map<String, String> env = environment(broker);
      Map<String, String> listeners = listeners(env.get("KAFKA_LISTENERS"));
      Map<String, String> advertised = listeners(env.get("KAFKA_ADVERTISED_LISTENERS"));
      assertThat(listeners).as("%s's listeners", broker).containsKeys("INTERNAL", "EXTERNAL", "CONTROLLER");
      assertThat(advertised.get("INTERNAL")).as("%s's internal address", broker).isEqualTo(broker + ":19092");
      String external = advertised.get("EXTERNAL");
      assertThat(external).as("%s's address for the host", broker).startsWith("localhost:");
      String port = external.substring(external.indexOf(':') + 1);
      assertThat(listeners.get("EXTERNAL")).as("%s listens where it advertises", broker).isEqualTo(":" + port);
      List<String> ports = (List<String>) service(broker).get("ports");
      assertThat(ports.stream().map(DeploymentFilesTest::resolve).toList()).as("%s publishes its external port on the "
          + "host's loopback, under the same number", broker).containsExactly("127.0.0.1:" + port + ":" + port);
      assertThat(env).containsEntry("KAFKA_INTER_BROKER_LISTENER_NAME", "INTERNAL")
          .containsEntry("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER");
      assertThat(env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"))
          .contains("INTERNAL:PLAINTEXT", "EXTERNAL:PLAINTEXT", "CONTROLLER:PLAINTEXT");
      assertThat(String.valueOf(((Map<String, Object>) service(broker).get("healthcheck")).get("test")))
          .as("the health check asks the internal listener").contains("localhost:19092");
    }
    for (String client : KAFKA_CLIENTS) {
      assertThat(environment(client).get("KAFKA_BOOTSTRAP_SERVERS")).as("%s reaches Kafka inside", client)
          .isEqualTo("kafka:19092");
      assertThat(String.valueOf(((Map<String, Object>) service(client).get("environment")).get("KAFKA_BOOTSTRAP_SERVERS")))
          .as("%s never takes the host's KAFKA_BOOTSTRAP_SERVERS (localhost, for the CLI)", client)
          .doesNotContain("${KAFKA_BOOTSTRAP_SERVERS");
    }
  }

  /** {@code NAME://host:port,...} by name. */
  private static Map<String, String> listeners(String value) {
    Map<String, String> byName = new LinkedHashMap<>();
    for (String listener : value.split(",")) {
      byName.put(listener.substring(0, listener.indexOf("://")), listener.substring(listener.indexOf("://") + 3));
    }
    return byName;
  }

  @Test
  void theScaledSetupIsAQuorumOfThreeReplicatingThreeTimes() {
    Map<String, String> scale = scaleEnv();
    assertThat(scale).containsEntry("COMPOSE_PROFILES", "scale")
        .containsEntry("STOCKLOG_REPLICATION", "3").containsEntry("STOCKLOG_MIN_INSYNC", "2");
    List<String> voters = new java.util.ArrayList<>();
    for (String broker : BROKERS) {
      Map<String, String> env = environment(broker, scale);
      assertThat(env.get("KAFKA_PROCESS_ROLES")).as("%s's roles", broker).isEqualTo("broker,controller");
      voters.add(env.get("KAFKA_NODE_ID") + "@" + broker + ":9093");
      assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).as("%s's voters, all three", broker)
          .isEqualTo(String.join(",", BROKERS.stream().map(b -> (BROKERS.indexOf(b) + 1) + "@" + b + ":9093").toList()));
      assertThat(env).containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
          .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
          .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2");
    }
    assertThat(String.join(",", voters)).isEqualTo(environment("kafka", scale).get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
    for (String client : KAFKA_CLIENTS) {
      Map<String, String> env = environment(client, scale);
      assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).as("%s bootstraps from every broker", client)
          .isEqualTo("kafka:19092,kafka-2:19092,kafka-3:19092");
      assertThat(env).containsEntry("STOCKLOG_REPLICATION", "3").containsEntry("STOCKLOG_MIN_INSYNC", "2");
    }
    // Alone, the first broker is its own quorum.
    assertThat(environment("kafka").get("KAFKA_CONTROLLER_QUORUM_VOTERS")).isEqualTo("1@kafka:9093");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyServiceThatUsesKafkaStartsOnceEveryBrokerIsHealthy() {
    for (String client : KAFKA_CLIENTS) {
      Map<String, Object> dependsOn = (Map<String, Object>) service(client).get("depends_on");
      assertThat(dependsOn).as("%s waits for", client).containsKeys(BROKERS.toArray(String[]::new));
      for (String broker : BROKERS) {
        Map<String, Object> condition = (Map<String, Object>) dependsOn.get(broker);
        assertThat(condition).as("%s waits for %s", client, broker).containsEntry("condition", "service_healthy");
        boolean inScaleOnly = service(broker).get("profiles") != null;
        assertThat(condition.get("required")).as("%s needs %s only when its profile runs", client, broker)
            .isEqualTo(inScaleOnly ? false : null);
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyServiceIsRestartedAfterAFailure() {
    ((Map<String, Object>) compose.get("services")).forEach((name, definition) ->
        assertThat(((Map<String, Object>) definition).get("restart")).as("%s's restart policy", name)
            .isEqualTo("unless-stopped"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void postgresIsPrivateAndItsPasswordIsTheOperatorsOwn() {
    assertThat(service("postgres").get("ports")).as("Postgres published on the host").isNull();
    Map<String, Object> raw = (Map<String, Object>) service("postgres").get("environment");
    assertThat(String.valueOf(raw.get("POSTGRES_PASSWORD"))).as("compose refuses to start without one")
        .matches("\\$\\{POSTGRES_PASSWORD:\\?[^}]+}");
    for (String user : List.of("projector", "projector-2", "query-service")) {
      assertThat(String.valueOf(((Map<String, Object>) service(user).get("environment")).get("STOCKLOG_JDBC_PASSWORD")))
          .as("%s's password", user).matches("\\$\\{POSTGRES_PASSWORD:\\?[^}]+}");
    }
  }

  private void assertPorts(String name, int codeDefault, int expected) {
    assertThat(codeDefault).as("%s's default HTTP_PORT", name).isEqualTo(expected);
    assertThat(environment(name).get("HTTP_PORT")).as("%s's HTTP_PORT in compose", name).isEqualTo(Integer.toString(expected));
    assertThat(service(name).get("ports")).as("%s's published port", name).isEqualTo(List.of(expected + ":" + expected));
    assertThat(dockerfile(name.equals("projector") ? "projector" : name))
        .contains("EXPOSE " + expected).contains("ENV HTTP_PORT=" + expected);
  }

  @Test
  @SuppressWarnings("unchecked")
  void startOrderWaitsForHealthyDependencies() {
    Map<String, Object> services = (Map<String, Object>) compose.get("services");
    services.forEach((name, definition) -> {
      Object dependsOn = ((Map<String, Object>) definition).get("depends_on");
      if (dependsOn == null) {
        return;
      }
      ((Map<String, Object>) dependsOn).forEach((dependency, condition) -> {
        assertThat((Map<String, Object>) condition).as("%s waits for %s", name, dependency)
            .containsEntry("condition", "service_healthy");
        Map<String, Object> target = (Map<String, Object>) services.get(dependency);
        assertThat(target).as("%s depends on a service that exists: %s", name, dependency).isNotNull();
        assertThat(target.get("healthcheck") != null || builtFromOurDockerfile(target))
            .as("%s has a health check", dependency).isTrue();
      });
    });
    assertThat(service("projector").get("depends_on").toString()).contains("kafka").contains("postgres");
  }

  @SuppressWarnings("unchecked")
  private static boolean builtFromOurDockerfile(Map<String, Object> service) {
    return service.get("build") instanceof Map<?, ?> build && build.get("dockerfile") != null;
  }

  @Test
  void everyImageRunsAsANonRootUserWithAHealthCheckAndTheJarItsModuleBuilds() {
    for (String module : List.of("command-service", "query-service", "projector")) {
      String dockerfile = dockerfile(module);
      assertThat(dockerfile).as("%s/Dockerfile", module)
          .contains("FROM maven:").contains(" AS build")
          .contains("-pl " + module + " -am package -Dmaven.test.skip=true")
          .contains("COPY --from=build /src/" + module + "/target/" + module + ".jar app.jar")
          .contains("USER stocklog")
          .contains("HEALTHCHECK")
          .contains("/health");
      assertThat(dockerfile.indexOf("USER stocklog")).isLessThan(dockerfile.indexOf("ENTRYPOINT"));
      assertThat(pom(module)).contains("<finalName>${project.artifactId}</finalName>");
    }
  }

  @Test
  void everyImageResolvesItsDependenciesInALayerOfItsOwnBeforeItCopiesTheSources() {
    List<String> modules = Pattern.compile("<module>([^<]+)</module>").matcher(read(ROOT.resolve("pom.xml")))
        .results().map(r -> r.group(1)).toList();
    for (String module : List.of("command-service", "query-service", "projector")) {
      String dockerfile = dockerfile(module);
      int sources = dockerfile.indexOf("COPY . .");
      int dependencies = dockerfile.indexOf("RUN mvn -B -q -pl " + module + " -am package -Dmaven.test.skip=true");
      assertThat(sources).as("%s copies the sources", module).isPositive();
      assertThat(dependencies).as("%s resolves the dependencies first", module).isPositive().isLessThan(sources);
      assertThat(dockerfile.indexOf("COPY pom.xml ./")).isLessThan(dependencies);
      for (String m : modules) {
        assertThat(dockerfile.indexOf("COPY " + m + "/pom.xml " + m + "/")).as("%s copies %s's POM before", module, m)
            .isPositive().isLessThan(dependencies);
      }
      assertThat(dockerfile).as("%s builds offline from that layer", module)
          .contains("mvn -B -q -o -pl " + module + " -am package");
    }
    assertThat(read(ROOT.resolve(".dockerignore"))).contains("**/target/").contains(".git/");
  }

  @Test
  @SuppressWarnings("unchecked")
  void prometheusScrapesEveryServiceThatRunsAndNoneThatDoesNot() throws IOException {
    Map<String, Object> prometheus = new Yaml().load(Files.readString(ROOT.resolve("deploy/prometheus/prometheus.yml")));
    String text = prometheus.toString();
    assertThat(text).contains("command-service:8081", "query-service:8082").doesNotContain("projector-2");
    Map<String, Object> projectors = ((List<Map<String, Object>>) prometheus.get("scrape_configs")).stream()
        .filter(c -> c.get("job_name").equals("projector")).findFirst().orElseThrow();
    Map<String, Object> dns = ((List<Map<String, Object>>) projectors.get("dns_sd_configs")).get(0);
    assertThat(dns).containsEntry("names", List.of("projectors")).containsEntry("type", "A").containsEntry("port", 8083);
    for (String projector : List.of("projector", "projector-2")) {
      assertThat(String.valueOf(service(projector).get("networks"))).as("%s answers to the alias", projector)
          .contains("aliases=[projectors]");
      assertThat(environment(projector).get("HTTP_PORT")).isEqualTo("8083");
    }
    assertThat(service("prometheus").get("volumes").toString()).contains("./deploy/prometheus/prometheus.yml");
  }

  @Test
  @SuppressWarnings("unchecked")
  void grafanaInTheMonitoringProfileHasPrometheusAsItsDataSourceAndTheDashboardProvisioned() throws IOException {
    Map<String, Object> grafana = service("grafana");
    assertThat(grafana.get("profiles")).isEqualTo(List.of("monitoring"));
    List<String> volumes = (List<String>) grafana.get("volumes");
    for (String volume : volumes) {
      String hostPath = volume.substring(0, volume.indexOf(':'));
      assertThat(ROOT.resolve(hostPath)).as("mounted into grafana: %s", hostPath).exists();
    }
    assertThat(volumes).contains(
        "./deploy/grafana/provisioning/datasources:/etc/grafana/provisioning/datasources:ro",
        "./deploy/grafana/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro");

    Map<String, Object> datasource = ((List<Map<String, Object>>) yaml("deploy/grafana/provisioning/datasources/prometheus.yml")
        .get("datasources")).get(0);
    assertThat(datasource).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090");
    assertThat(service("prometheus").get("ports")).isEqualTo(List.of("9090:9090"));

    Map<String, Object> provider = ((List<Map<String, Object>>) yaml("deploy/grafana/provisioning/dashboards/stocklog.yml")
        .get("providers")).get(0);
    String dashboards = (String) ((Map<String, Object>) provider.get("options")).get("path");
    assertThat(volumes).as("the dashboard is mounted where the provider looks")
        .contains("./deploy/grafana/stocklog-dashboard.json:" + dashboards + "/stocklog-dashboard.json:ro");

    JsonNode dashboard = Json.MAPPER.readTree(read(ROOT.resolve("deploy/grafana/stocklog-dashboard.json")));
    assertThat(dashboard.get("uid").asText()).isNotBlank();
    int queries = 0;
    for (JsonNode panel : dashboard.get("panels")) {
      if (panel.get("type").asText().equals("row")) {
        continue;
      }
      assertThat(panel.at("/datasource/uid").asText()).as(panel.get("title").asText()).isEqualTo(datasource.get("uid"));
      assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
      for (JsonNode target : panel.get("targets")) {
        assertThat(target.get("expr").asText()).as(panel.get("title").asText()).isNotBlank();
        queries++;
      }
    }
    assertThat(queries).isGreaterThanOrEqualTo(20);
  }

  private static Map<String, Object> yaml(String path) {
    return new Yaml().load(read(ROOT.resolve(path)));
  }

  private static String dockerfile(String module) {
    return read(ROOT.resolve(module).resolve("Dockerfile"));
  }

  private static String pom(String module) {
    return read(ROOT.resolve(module).resolve("pom.xml"));
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }
}
