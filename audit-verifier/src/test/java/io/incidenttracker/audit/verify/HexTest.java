package io.incidenttracker.audit.verify;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HexTest {

    @Test
    void decodesAsciiDigitsOfEitherCase() {
        assertThat(Hex.decode("00ff7Fa0")).containsExactly(0x00, 0xff, 0x7f, 0xa0);
        assertThat(Hex.encode(Hex.decode("0123456789abcdef"))).isEqualTo("0123456789abcdef");
    }

    @Test
    void refusesFullwidthAndOtherNonAsciiDigits() {
        // U+FF10 FULLWIDTH DIGIT ZERO and U+0660 ARABIC-INDIC DIGIT ZERO: Character.digit reads both as 0
        assertThatThrownBy(() -> Hex.decode("\uFF10\uFF10")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hex.decode("0\u0660")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hex.decodeHash("\uFF10".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesOddLengthAndNonHexCharacters() {
        assertThatThrownBy(() -> Hex.decode("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hex.decode("zz")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hex.decode("+1")).isInstanceOf(IllegalArgumentException.class);
    }
}
