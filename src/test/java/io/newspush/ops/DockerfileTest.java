package io.newspush.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * No Docker engine runs in CI, so the Dockerfile is checked by reading it: that it builds the jar
 * the way the README does, runs the jar it built, as a numeric non-root user, on the configured
 * port, with a readiness health check and a writable data volume. Paths are relative to the project
 * directory, where Maven runs the tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerfileTest {
  private static final Pattern FINAL_NAME = Pattern.compile("<finalName>([^<]+)</finalName>");

  private record Instruction(String keyword, String arguments) {}

  private List<Instruction> build;
  private List<Instruction> runtime;

  @BeforeAll
  void parse() throws IOException {
    List<List<Instruction>> stages = new ArrayList<>();
    for (Instruction instruction : instructions(Files.readString(Path.of("Dockerfile")))) {
      if (instruction.keyword().equals("FROM")) {
        stages.add(new ArrayList<>());
      }
      assertFalse(stages.isEmpty(), "the Dockerfile starts with " + instruction.keyword() + ", not FROM");
      stages.get(stages.size() - 1).add(instruction);
    }
    assertEquals(2, stages.size(), "a build stage and a runtime stage");
    build = stages.get(0);
    runtime = stages.get(1);
    assertTrue(build.get(0).arguments().matches("(?i)\\S+ AS build"), "the first stage is named build: " + build.get(0));
  }

  @Test
  void buildStageRunsTheReadmeBuildCommand() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    Matcher command = Pattern.compile("(?m)^(mvn [^&\\n]*\\bpackage\\b[^&\\n]*?)\\s*(&&|$)").matcher(readme);
    assertTrue(command.find(), "the README shows a 'mvn ... package' build command");
    List<String> packaging = all(build, "RUN").stream().filter(run -> run.matches("mvn .*\\bpackage\\b.*")).toList();
    assertEquals(List.of(words(command.group(1))), packaging.stream().map(DockerfileTest::words).toList(),
        "the build stage packages with exactly the README's command");
  }

  @Test
  void runtimeStageRunsTheJarTheBuildStageMade() throws IOException {
    Matcher finalName = FINAL_NAME.matcher(Files.readString(Path.of("pom.xml")));
    assertTrue(finalName.find(), "pom.xml sets the jar's finalName");
    String workdir = last(build, "WORKDIR");
    String builtJar = workdir + "/target/" + finalName.group(1) + ".jar";

    List<String> copy = words(last(runtime, "COPY"));
    assertEquals(List.of("--from=build", builtJar), copy.subList(0, 2), "the runtime stage copies the built jar");
    String installedJar = copy.get(2);

    String entrypoint = last(runtime, "ENTRYPOINT");
    assertTrue(entrypoint.startsWith("["), "exec form, so java is PID 1 and receives SIGTERM: " + entrypoint);
    List<String> command = new JsonArray(entrypoint).stream().map(String::valueOf).toList();
    int jar = command.indexOf("-jar");
    assertTrue(jar >= 0 && jar + 1 < command.size(), "java -jar ...: " + command);
    assertEquals(installedJar, command.get(jar + 1), "ENTRYPOINT runs the copied jar");
  }

  @Test
  void runsAsANumericNonRootUser() {
    String user = last(runtime, "USER");
    String uid = user.split(":")[0];
    assertTrue(uid.matches("\\d+"), "Kubernetes' runAsNonRoot can only verify a numeric user: " + user);
    assertFalse(uid.equals("0"), "not root");
  }

  @Test
  void exposesTheDefaultPortAndProbesReadiness() throws IOException {
    int port = new JsonObject(Files.readString(Path.of("conf/newspush.json"))).getInteger("http.port");
    assertEquals(List.of(Integer.toString(port)), words(last(runtime, "EXPOSE")), "EXPOSE the default http.port");

    String healthcheck = last(runtime, "HEALTHCHECK");
    assertTrue(healthcheck.matches(".*\\bCMD\\b.*/health/ready.*"), "HEALTHCHECK probes /health/ready: " + healthcheck);
    assertTrue(healthcheck.contains("${NEWSPUSH_HTTP_PORT:-" + port + "}"), "and follows NEWSPUSH_HTTP_PORT: " + healthcheck);
  }

  @Test
  void dataVolumeIsTheDataDirectoryAndBelongsToTheUser() {
    String volume = new JsonArray(last(runtime, "VOLUME")).getString(0);
    assertTrue(all(runtime, "ENV").contains("NEWSPUSH_DATA_DIR=" + volume), "the server keeps its data in the volume");
    String uid = last(runtime, "USER").split(":")[0];
    // Docker creates a volume's missing mount point as root; the image must create it for the user.
    assertTrue(all(runtime, "RUN").stream().anyMatch(run -> run.matches(".*-o " + uid + " .*" + Pattern.quote(volume) + "\\b.*")),
        "a RUN creates " + volume + " owned by uid " + uid);
  }

  /** The instructions with line continuations joined and comment lines dropped. */
  private static List<Instruction> instructions(String dockerfile) {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : dockerfile.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      boolean continued = trimmed.endsWith("\\");
      current.append(continued ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
      if (!continued) {
        String text = current.toString().strip().replaceAll("\\s+", " ");
        int space = text.indexOf(' ');
        instructions.add(new Instruction(text.substring(0, space).toUpperCase(Locale.ROOT), text.substring(space + 1)));
        current.setLength(0);
      }
    }
    return instructions;
  }

  private static List<String> all(List<Instruction> stage, String keyword) {
    return stage.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
  }

  private static String last(List<Instruction> stage, String keyword) {
    List<String> found = all(stage, keyword);
    assertFalse(found.isEmpty(), "no " + keyword + " in the stage");
    return found.get(found.size() - 1);
  }

  private static List<String> words(String text) {
    return Arrays.asList(text.strip().split("\\s+"));
  }
}
