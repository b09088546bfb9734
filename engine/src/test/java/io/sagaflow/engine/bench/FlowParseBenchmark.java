package io.sagaflow.engine.bench;

import io.sagaflow.dsl.FlowParser;
import io.sagaflow.dsl.ParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Parsing and validating the sample checkout flow (a deploy; {@code bash bench/jmh.sh FlowParse}). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FlowParseBenchmark {

    private String checkout;
    private FlowParser parser;

    @Setup
    public void read() throws Exception {
        checkout = Files.readString(Path.of(System.getProperty("sagaflow.root", ".") + "/sample-flows/flows/order-checkout.yaml"));
        parser = new FlowParser();
    }

    @Benchmark
    public ParseResult parseTheCheckout() {
        return parser.parse(checkout);
    }
}
