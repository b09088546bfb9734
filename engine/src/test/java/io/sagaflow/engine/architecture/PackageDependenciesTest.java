package io.sagaflow.engine.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The engine's package rules (STYLE.md, ARCHITECTURE.md "Packages"), checked on the compiled classes: only
 * {@code api} speaks HTTP, no two packages depend on each other (directly or around a cycle), an {@code internal}
 * package is used only by the concept it belongs to, and the pure cores do no I/O. The picture of the package graph
 * in ARCHITECTURE.md is rendered from the same classes; run with {@code -Dsagaflow.regenerate=true} to refresh it.
 */
class PackageDependenciesTest {

    private static final String ENGINE = "io.sagaflow.engine";
    private static final Path ARCHITECTURE = Path.of("../ARCHITECTURE.md");
    private static final String BEGIN = "<!-- package-graph:begin (rendered by PackageDependenciesTest) -->";
    private static final String END = "<!-- package-graph:end -->";

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.sagaflow");

    @Test
    void onlyTheApiPackageSpeaksHttp() {
        noClasses().that().resideInAPackage(ENGINE + "..").and().resideOutsideOfPackage(ENGINE + ".api..")
                .should().dependOnClassesThat().resideInAnyPackage(ENGINE + ".api..", "jakarta.ws.rs..",
                        "org.jboss.resteasy..")
                .because("the domain throws DomainFailure; only api turns failures into HTTP statuses")
                .check(CLASSES);
    }

    @Test
    void engineAndConnectorPackagesFormNoCycle() {
        slices().matching(ENGINE + ".(**)").should().beFreeOfCycles().check(CLASSES);
        slices().matching("io.sagaflow.connectors.(**)").should().beFreeOfCycles().check(CLASSES);
        slices().matching("io.sagaflow.participant.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void anInternalPackageIsUsedOnlyByItsConcept() {
        List<String> violations = new ArrayList<>();
        for (JavaClass target : CLASSES) {
            String pkg = target.getPackageName();
            int at = pkg.indexOf(".internal");
            if (!pkg.startsWith("io.sagaflow.") || at < 0) {
                continue;
            }
            String owner = pkg.substring(0, at);
            for (Dependency d : target.getDirectDependenciesToSelf()) {
                String from = d.getOriginClass().getPackageName();
                if (!from.equals(owner) && !from.startsWith(owner + ".")) {
                    violations.add(d.getDescription());
                }
            }
        }
        assertThat(violations).as("uses of an internal package from outside its concept").isEmpty();
    }

    @Test
    void pureCoresDoNoIo() {
        noClasses().that().haveNameMatching(ENGINE + "\\.(saga\\.(SagaDecider|SagaState|Transitions|SagaEvent|SagaInput"
                        + "|SagaStatus|StepStatus|SagaDecision)|message\\.(MessageDecider|MessageDecision|MessageStatus)"
                        + "|notification\\.(Delivery|DeliveryDecision|NotificationStatus|NotificationTransitions))(\\$.*)?")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.quarkus..", "io.smallrye..",
                        "jakarta..", "java.net..", "java.sql..", "org.apache.kafka..", "io.sagaflow.connectors..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
                .because("decide and apply are pure functions: time and inputs come in as data (STYLE.md 4)")
                .check(CLASSES);
    }

    /** The picture in ARCHITECTURE.md is the graph of the compiled engine; a new edge shows in review. */
    @Test
    void checkedInPackageGraphMatchesTheCode() throws Exception {
        String rendered = renderMermaid();
        String doc = Files.readString(ARCHITECTURE);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as("ARCHITECTURE.md has the package-graph markers").isGreaterThanOrEqualTo(0);
        String current = doc.substring(begin + BEGIN.length(), end);
        if (Boolean.getBoolean("sagaflow.regenerate")) {
            Files.writeString(ARCHITECTURE, doc.substring(0, begin + BEGIN.length()) + rendered + doc.substring(end));
            current = rendered;
        }
        assertThat(current).as("ARCHITECTURE.md package graph (regenerate with -Dsagaflow.regenerate=true)")
                .isEqualTo(rendered);
    }

    /**
     * Engine packages and who depends on whom, as a mermaid flowchart; {@code engine.internal} (shared plumbing, used
     * by every package) is left out so the concepts stay readable.
     */
    static String renderMermaid() {
        TreeMap<String, Set<String>> edges = new TreeMap<>();
        for (JavaClass c : CLASSES) {
            String from = concept(c.getPackageName());
            if (from == null) {
                continue;
            }
            edges.computeIfAbsent(from, k -> new TreeSet<>());
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String to = concept(d.getTargetClass().getPackageName());
                if (to != null && !to.equals(from) && !to.equals("internal")) {
                    edges.get(from).add(to);
                }
            }
        }
        StringBuilder out = new StringBuilder("\n```mermaid\nflowchart LR\n");
        edges.forEach((from, tos) -> {
            if (tos.isEmpty()) {
                out.append("  ").append(id(from)).append("[").append(from).append("]\n");
            }
            tos.forEach(to -> out.append("  ").append(id(from)).append("[").append(from).append("] --> ")
                    .append(id(to)).append("[").append(to).append("]\n"));
        });
        return out.append("```\n").toString();
    }

    private static String concept(String pkg) {
        if (!pkg.startsWith(ENGINE + ".")) {
            return null;
        }
        return pkg.substring(ENGINE.length() + 1);
    }

    private static String id(String concept) {
        return concept.replace('.', '_');
    }
}
