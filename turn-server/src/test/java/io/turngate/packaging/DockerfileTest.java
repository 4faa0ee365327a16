package io.turngate.packaging;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No container engine runs here, so the Dockerfile is read instead of built: its paths must match the Maven build
 * (module, shade {@code finalName}), the launcher and the repository, and the image must be what STUNner's operator
 * expects ({@code stunnerd} on PATH, non-root, stunnerd's ports).
 */
class DockerfileTest {
    /** One instruction: keyword, its flags ({@code --from=build}) and the rest. */
    record Instruction(String keyword, Map<String, String> flags, String args, int line) {
        List<String> words() {
            return Arrays.stream(args.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
        }
    }

    /** One build stage: FROM image [AS name], its instructions. */
    record Stage(String image, String name, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        String workdir() {
            List<Instruction> w = all("WORKDIR");
            return w.isEmpty() ? "/" : w.get(w.size() - 1).args().trim();
        }

        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            Pattern m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\\S*)");
            for (Instruction i : all("ENV")) {
                Matcher mm = m.matcher(i.args());
                while (mm.find()) {
                    env.put(mm.group(1), mm.group(2));
                }
            }
            return env;
        }
    }

    static List<Stage> parse(Path dockerfile) throws IOException {
        List<String> lines = Files.readAllLines(dockerfile, StandardCharsets.UTF_8);
        List<Stage> stages = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int start = 0;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (cur.length() == 0 && (line.isBlank() || line.stripLeading().startsWith("#"))) {
                continue;
            }
            if (cur.length() == 0) {
                start = n + 1;
            }
            if (line.endsWith("\\")) {
                cur.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            cur.append(line);
            String text = cur.toString().trim();
            cur.setLength(0);
            String keyword = text.split("\\s+", 2)[0].toUpperCase();
            String rest = text.length() > keyword.length() ? text.substring(keyword.length()).trim() : "";
            Map<String, String> flags = new LinkedHashMap<>();
            while (rest.startsWith("--")) {
                String flag = rest.split("\\s+", 2)[0];
                int eq = flag.indexOf('=');
                flags.put(eq < 0 ? flag.substring(2) : flag.substring(2, eq), eq < 0 ? "" : flag.substring(eq + 1));
                rest = rest.substring(flag.length()).trim();
            }
            Instruction i = new Instruction(keyword, flags, rest, start);
            if (keyword.equals("FROM")) {
                String[] w = rest.split("\\s+");
                stages.add(new Stage(w[0], w.length >= 3 && w[1].equalsIgnoreCase("AS") ? w[2] : null, new ArrayList<>()));
            } else {
                assertFalse(stages.isEmpty(), "Dockerfile line " + start + ": " + keyword + " before FROM");
                stages.get(stages.size() - 1).instructions().add(i);
            }
        }
        return stages;
    }

    private static List<Stage> stages() throws IOException {
        return parse(Packaging.DOCKERFILE);
    }

    private static Stage stage(String name) throws IOException {
        return stages().stream().filter(s -> name.equals(s.name())).findFirst()
                .orElseThrow(() -> new AssertionError("Dockerfile: no stage named " + name));
    }

    private static Stage finalStage() throws IOException {
        List<Stage> s = stages();
        return s.get(s.size() - 1);
    }

    /** The shade plugin's {@code finalName} in turn-server/pom.xml: the name of the shaded jar. */
    private static String shadedJarName() throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Packaging.ROOT.resolve("turn-server/pom.xml").toFile());
        NodeList plugins = doc.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element p = (Element) plugins.item(i);
            if (text(p, "artifactId").equals("maven-shade-plugin")) {
                NodeList fn = p.getElementsByTagName("finalName");
                assertEquals(1, fn.getLength(), "turn-server/pom.xml: one finalName in the shade plugin");
                return fn.item(0).getTextContent().trim() + ".jar";
            }
        }
        throw new AssertionError("turn-server/pom.xml: no maven-shade-plugin");
    }

    private static String text(Element e, String child) {
        NodeList l = e.getElementsByTagName(child);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent().trim();
    }

    /** The root pom's modules. */
    private static List<String> modules() throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Packaging.ROOT.resolve("pom.xml").toFile());
        NodeList l = doc.getElementsByTagName("module");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.getLength(); i++) {
            out.add(l.item(i).getTextContent().trim());
        }
        return out;
    }

    /** COPY --from=STAGE SRC DEST of the final stage whose source ends with {@code suffix}. */
    private static Instruction copyFrom(Stage s, String from, String suffix) {
        return s.all("COPY").stream()
                .filter(i -> from.equals(i.flags().get("from")) && i.words().get(0).endsWith(suffix)).findFirst()
                .orElseThrow(() -> new AssertionError("final stage: no COPY --from=" + from + " of ..." + suffix));
    }

    @Test
    void theImageCopiesTheShadedJarThatTheBuildStageMakes() throws Exception {
        Stage build = stage("build");
        String jar = shadedJarName();
        assertEquals("turngate.jar", jar, "the jar name README, tests and scripts use");
        String run = build.all("RUN").stream().map(Instruction::args).filter(a -> a.contains("mvn ")).findFirst()
                .orElseThrow(() -> new AssertionError("build stage: no RUN mvn"));
        assertTrue(run.contains(" package"), run);
        assertTrue(run.contains("-pl turn-server") && run.contains("-am"), "builds turn-server and what it needs: " + run);
        String built = build.workdir() + "/turn-server/target/" + jar;
        Instruction copy = copyFrom(finalStage(), "build", "/" + jar);
        assertEquals(built, copy.words().get(0), "the final stage copies the jar from where Maven writes it");
        String jlink = build.all("RUN").stream().map(Instruction::args).filter(a -> a.contains("jlink-runtime.sh"))
                .findFirst().orElseThrow(() -> new AssertionError("build stage: no RUN of jlink-runtime.sh"));
        assertTrue(jlink.contains("turn-server/target/" + jar), "jlink looks at the built jar: " + jlink);
        String runtime = jlink.trim().split("\\s+")[jlink.trim().split("\\s+").length - 1];
        assertEquals(runtime, copyFrom(finalStage(), "build", runtime).words().get(0), "the runtime jlink wrote is copied");
        assertEquals(runtime, finalStage().env().get("JAVA_HOME"), "JAVA_HOME is that runtime");
    }

    @Test
    void everyFileTheBuildCopiesIsInTheRepositoryAndEveryModulePomIsCopied() throws Exception {
        Set<String> copied = new TreeSet<>();
        for (Stage s : stages()) {
            for (Instruction c : s.all("COPY")) {
                if (c.flags().containsKey("from")) {
                    continue;
                }
                List<String> w = c.words();
                for (String src : w.subList(0, w.size() - 1)) {
                    assertTrue(Files.exists(Packaging.ROOT.resolve(src)), "Dockerfile line " + c.line() + ": COPY " + src
                            + " (expected: a path in the repository)");
                    copied.add(src);
                }
            }
        }
        for (String module : modules()) {
            assertTrue(copied.contains(module) || copied.contains(module + "/pom.xml"),
                    "the root pom lists module " + module + "; the build stage must copy at least its pom: " + copied);
        }
        assertTrue(copied.contains("pom.xml"), copied.toString());
        List<String> ignored = Files.readAllLines(Packaging.ROOT.resolve(".dockerignore")).stream()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertTrue(ignored.contains("**/target"), "stale target/ folders stay out of the build context: " + ignored);
        for (String src : copied) {
            for (String pattern : ignored) {
                String p = pattern.replace("**/", "");
                assertFalse(src.equals(p) || src.startsWith(p + "/") || src.contains("/" + p + "/"),
                        "COPY " + src + " is excluded by .dockerignore " + pattern);
            }
        }
    }

    @Test
    void stunnerdIsOnPathAndTheLauncherLooksForTheJarWhereTheImagePutsIt() throws Exception {
        Stage run = finalStage();
        String jar = shadedJarName();
        String jarInImage = copyFrom(run, "build", "/" + jar).words().get(1);
        Instruction launcher = run.all("COPY").stream()
                .filter(i -> i.words().get(0).equals(Packaging.ROOT.relativize(Packaging.LAUNCHER).toString()))
                .findFirst().orElseThrow(() -> new AssertionError("final stage: no COPY of the launcher"));
        assertEquals("755", launcher.flags().get("chmod"), "the launcher is executable in the image");
        String installed = launcher.words().get(1);
        assertEquals("/usr/local/bin/stunnerd", installed);
        assertTrue(Files.isExecutable(Packaging.LAUNCHER), "the launcher is executable in the repository too");
        Map<String, String> env = run.env();
        List<String> path = List.of(env.getOrDefault("PATH", "").split(":"));
        assertTrue(path.contains("/usr/local/bin"), "PATH has the launcher's directory: " + path);
        assertTrue(path.contains(env.get("JAVA_HOME") + "/bin"), "PATH has the runtime's java: " + path);
        assertEquals(jarInImage, env.get("TURNGATE_JAR"), "ENV TURNGATE_JAR names the copied jar");

        String script = Files.readString(Packaging.LAUNCHER, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("jar=\\$\\{TURNGATE_JAR:-([^}]+)}").matcher(script);
        assertTrue(m.find(), "the launcher reads TURNGATE_JAR with a default");
        assertEquals(jarInImage, m.group(1), "the launcher's default jar is where the Dockerfile copies it");
        assertTrue(script.contains("exec \"$java\""), "the launcher replaces itself with the JVM (signals reach it)");

        assertTrue(run.all("RUN").stream().anyMatch(r -> r.args().contains("ln -s stunnerd /usr/local/bin/turngate")),
                "turngate is on PATH too, for `turngate ice-config` in the CloudRetro Job");
        List<Instruction> entry = run.all("ENTRYPOINT");
        assertEquals(1, entry.size());
        assertEquals("[\"stunnerd\"]", entry.get(0).args().replace(" ", ""),
                "the image starts stunnerd, as the operator's Dataplane command does");
    }

    @Test
    void theImageMakesTheClassDataArchiveWhereTheLauncherLooksForItWithTheJarAtItsFinalPath() throws Exception {
        Stage run = finalStage();
        String jarInImage = copyFrom(run, "build", "/" + shadedJarName()).words().get(1);
        String archive = jarInImage.substring(0, jarInImage.length() - ".jar".length()) + ".jsa";
        Instruction copy = run.all("COPY").stream().filter(i -> i.words().get(0).equals("k8s/image/cds-archive.sh"))
                .findFirst().orElseThrow(() -> new AssertionError("final stage: no COPY of k8s/image/cds-archive.sh"));
        String script = copy.words().get(1);
        Instruction make = run.all("RUN").stream().filter(r -> r.args().contains(script)).findFirst()
                .orElseThrow(() -> new AssertionError("final stage: no RUN of " + script));
        assertTrue(make.args().contains("sh " + script + " /usr/local/bin/stunnerd " + jarInImage + " " + archive),
                "the training run goes through the launcher, on the jar's final path, to the launcher's default archive: "
                        + make.args());
        int jarLine = copyFrom(run, "build", "/" + shadedJarName()).line();
        int runtimeLine = copyFrom(run, "build", run.env().get("JAVA_HOME")).line();
        int launcherLine = run.all("COPY").stream()
                .filter(i -> i.words().get(0).equals(Packaging.ROOT.relativize(Packaging.LAUNCHER).toString()))
                .findFirst().orElseThrow().line();
        assertTrue(make.line() > jarLine && make.line() > runtimeLine && make.line() > launcherLine,
                "the archive is made after the jar, the runtime and the launcher are in place (it records their paths)");
        assertTrue(make.line() < run.all("USER").get(0).line(), "made as root, before USER, so it can write " + archive);
        String launcher = Files.readString(Packaging.LAUNCHER, StandardCharsets.UTF_8);
        assertTrue(launcher.contains("archive=${TURNGATE_CDS_ARCHIVE:-${jar%.jar}.jsa}"),
                "the launcher's default archive is the jar's path with .jsa");
        assertTrue(Files.readString(Packaging.K8S.resolve("image/jlink-runtime.sh")).contains("--generate-cds-archive"),
                "the runtime has the JDK's base archive, which turngate's archive builds on");
    }

    @Test
    void theImageRunsAsANonRootUserAndExposesStunnerdsPorts() throws Exception {
        Stage run = finalStage();
        List<Instruction> users = run.all("USER");
        assertEquals(1, users.size());
        String user = users.get(0).args().trim();
        assertTrue(user.matches("[1-9][0-9]*:[1-9][0-9]*"), "numeric non-root uid:gid, so runAsNonRoot can verify it: " + user);
        String uid = user.split(":")[0];
        assertTrue(run.all("RUN").stream().anyMatch(r -> r.args().contains("--uid " + uid)), "the user exists in /etc/passwd");
        String base = Files.readString(Packaging.K8S.resolve("base/gateway/deployment.yaml"));
        assertTrue(base.contains("runAsUser: " + uid), "the gateway Deployment runs as the image's user");
        Set<String> exposed = run.all("EXPOSE").stream().flatMap(i -> i.words().stream()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("3478/udp", "3478/tcp", "8080", "8086")), exposed);
        assertTrue(run.image().contains("slim"), "a slim base: " + run.image());
        assertNotNull(stage("build"));
        assertEquals(2, stages().size(), "multi-stage: build, then run");
    }
}
