package io.incidenttracker.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.Set;

/** The harness's command line: full and quick defaults, explicit sizes, the choice of measures. */
class OptionsTest {

    @Test
    void fullModeRunsEveryMeasureAtFullSize() {
        Options options = Options.parse(new String[0]);

        assertThat(options.only()).isEqualTo(Set.copyOf(Options.MEASURES));
        assertThat(options.incidents()).isEqualTo(10_000);
        assertThat(options.repeats()).isEqualTo(3);
        assertThat(options.label()).isEqualTo("full");
    }

    @Test
    void quickModeIsSmallerAndExplicitSizesWin() {
        Options options = Options.parse(new String[] {"--quick", "--incidents", "64", "--label", "smoke"});

        assertThat(options.quick()).isTrue();
        assertThat(options.incidents()).isEqualTo(64);
        assertThat(options.seconds()).isEqualTo(5);
        assertThat(options.repeats()).isEqualTo(1);
        assertThat(options.label()).isEqualTo("smoke");
    }

    @Test
    void theSeedIsContiguousUnlessInterleavedIsAskedFor() {
        assertThat(Options.parse(new String[0]).interleaved()).isFalse();
        assertThat(Options.parse(new String[] {"--seed-order", "interleaved"}).interleaved()).isTrue();
        assertThatThrownBy(() -> Options.parse(new String[] {"--seed-order", "random"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyChoosesMeasuresByName() {
        Options options = Options.parse(new String[] {"--only", "rebuild,memory"});

        assertThat(options.runs("rebuild")).isTrue();
        assertThat(options.runs("http")).isFalse();
        assertThat(options.runsAnyBut("inprocess", "http")).isTrue();
        assertThat(options.runsAnyBut("rebuild", "memory")).isFalse();
    }

    @Test
    void unknownMeasuresAndArgumentsAreRefused() {
        assertThatThrownBy(() -> Options.parse(new String[] {"--only", "bogus"}))
                .hasMessageContaining("unknown measure bogus");
        assertThatThrownBy(() -> Options.parse(new String[] {"stray"}))
                .hasMessageContaining("unknown argument stray");
    }
}
