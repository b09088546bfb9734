package io.sagaflow.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FlowDocumentsTest {

    @Test
    void sha256IsTheLowercaseHexOfTheUtf8Bytes() {
        // FIPS 180-2 test vector
        assertThat(FlowDocuments.sha256("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(FlowDocuments.sha256(""))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void sha256TellsDocumentsApartByEveryByte() {
        assertThat(FlowDocuments.sha256("name: a\n")).isNotEqualTo(FlowDocuments.sha256("name: a \n"));
        assertThat(FlowDocuments.sha256("é")).isNotEqualTo(FlowDocuments.sha256("e\u0301"));
    }
}
