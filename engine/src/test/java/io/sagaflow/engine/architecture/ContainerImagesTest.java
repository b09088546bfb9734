package io.sagaflow.engine.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The container images run as a user without privileges (issue 12, item 7): their last USER is a non-zero uid. */
class ContainerImagesTest {

    @Test
    void everyImageEndsAsANonRootUser() throws Exception {
        List<Path> dockerfiles;
        try (Stream<Path> files = Files.list(Path.of("../src/main/docker"))) {
            dockerfiles = files.filter(f -> f.getFileName().toString().startsWith("Dockerfile")).sorted().toList();
        }
        assertThat(dockerfiles).isNotEmpty();
        for (Path f : dockerfiles) {
            List<String> users = Files.readAllLines(f).stream().map(String::trim).filter(l -> l.startsWith("USER ")).toList();
            assertThat(users).as("%s has a USER", f).isNotEmpty();
            String last = users.get(users.size() - 1).substring(5).trim().split(":")[0];
            assertThat(last).as("%s runs as", f).matches("[0-9]+").isNotEqualTo("0");
        }
    }
}
