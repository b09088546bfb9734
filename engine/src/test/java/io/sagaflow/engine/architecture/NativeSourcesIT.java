package io.sagaflow.engine.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.engine.deadletter.DeadLetter;
import io.sagaflow.engine.message.Actor;
import io.sagaflow.engine.message.CheckAnswer;
import io.sagaflow.engine.message.MessageEvent;
import io.sagaflow.engine.saga.SagaEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the native build prepared for native-image (issue 16, item 1), read from {@code target/native-sources} after
 * {@code mvn verify -Dnative -Dquarkus.native.sources-only=true} (the native step of {@code scripts/test.sh}; Quarkus's
 * native build steps ran and would have failed on an extension that is not native-ready; no compiler runs here):
 * everything our own ObjectMapper reads and writes is registered for reflection, every migration and dashboard file
 * is a resource of the image, and the image has no JVM fallback. Run only in the {@code native} profile.
 */
class NativeSourcesIT {

    private static final Path SOURCES = Path.of("target/native-sources");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Set<String> reflected;
    private static List<String> resourcePatterns;

    @BeforeAll
    static void readTheNativeSources() throws IOException {
        assertThat(SOURCES.resolve("native-image.args"))
                .as("native sources (run mvn verify -Dnative -Dquarkus.native.sources-only=true)").exists();
        Path runner;
        try (Stream<Path> files = Files.list(SOURCES)) {
            runner = files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).findFirst().orElseThrow();
        }
        try (ZipFile jar = new ZipFile(runner.toFile())) {
            JsonNode reflect = JSON.readTree(jar.getInputStream(jar.getEntry("META-INF/native-image/reflect-config.json")));
            reflected = new HashSet<>();
            reflect.forEach(entry -> reflected.add(entry.path("name").asText()));
            JsonNode resources = JSON.readTree(jar.getInputStream(jar.getEntry("META-INF/native-image/resource-config.json")));
            resourcePatterns = new ArrayList<>();
            resources.path("resources").path("includes").forEach(i -> resourcePatterns.add(i.path("pattern").asText()));
        }
    }

    @Test
    void everyTypeOurObjectMapperHandlesIsRegisteredForReflection() {
        List<Class<?>> needed = new ArrayList<>();
        needed.addAll(List.of(SagaEvent.class.getPermittedSubclasses()));
        needed.addAll(List.of(MessageEvent.class.getPermittedSubclasses()));
        needed.addAll(List.of(DeadLetter.class, DeadLetter.Redrive.class, Actor.class, CheckAnswer.class,
                io.sagaflow.engine.api.SagaResource.OperatorRequest.class));
        assertThat(needed).hasSizeGreaterThan(25);
        List<String> missing = needed.stream().map(Class::getName).filter(n -> !reflected.contains(n)).toList();
        assertThat(missing).as("types read or written by our ObjectMapper and not registered for reflection "
                + "(add them to nativeimage.NativeRegistrations)").isEmpty();
    }

    @Test
    void everyMigrationAndDashboardFileIsAResourceOfTheImage() throws IOException {
        List<String> files = new ArrayList<>();
        Path resources = Path.of("src/main/resources");
        for (String dir : List.of("db/migration", "META-INF/resources/ui")) {
            try (Stream<Path> walk = Files.walk(resources.resolve(dir))) {
                walk.filter(Files::isRegularFile).forEach(f -> files.add(resources.relativize(f).toString().replace('\\', '/')));
            }
        }
        assertThat(files).anyMatch(f -> f.endsWith(".sql")).anyMatch(f -> f.endsWith(".js"));
        List<Pattern> included = resourcePatterns.stream().map(Pattern::compile).toList();
        List<String> missing = files.stream().filter(f -> included.stream().noneMatch(p -> p.matcher(f).matches())).toList();
        assertThat(missing).as("files the engine reads at run time that the image would not contain").isEmpty();
    }

    @Test
    void theImageHasNoJvmFallback() throws IOException {
        assertThat(Files.readString(SOURCES.resolve("native-image.args"))).contains("--no-fallback");
    }
}
