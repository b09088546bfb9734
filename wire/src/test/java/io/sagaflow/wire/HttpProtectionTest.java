package io.sagaflow.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpProtectionTest {

    @Test
    void everyPartReadsBackFromTheHeader() {
        HttpProtection full = new HttpProtection("order-checkout/orders",
                Optional.of(new HttpProtection.Circuit(0.5, 20, 10_000, 2)), Optional.of(10),
                Optional.of(new HttpProtection.Rate(50, 1000)));
        assertEquals("name=order-checkout/orders;circuit=0.5,20,10000,2;bulkhead=10;rate=50,1000", full.encode());
        assertEquals(full, HttpProtection.parse(full.encode()));
    }

    @Test
    void onlyTheNameIsRequiredAndUnknownPartsAreIgnored() {
        HttpProtection parsed = HttpProtection.parse("name=f/p;later=1,2");
        assertEquals(new HttpProtection("f/p", Optional.empty(), Optional.empty(), Optional.empty()), parsed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"circuit=0.5,20,1000,1", "name=f/p;bulkhead=0", "name=f/p;rate=5", "name=f/p;circuit=2,1,1,1",
            "name=f/p;bulkhead", "name=f/p;bulkhead=x"})
    void aMalformedHeaderIsRefusedSayingWhichPart(String header) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpProtection.parse(header));
        assertTrue(e.getMessage().matches(".*(name|bulkhead|rate|failureRatio|part).*"), e.getMessage());
    }
}
