package io.incidenttracker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompilersTest {

    @Test
    void readsTheHarnesssOwnCompilersFirstAndEachServiceAfter() throws InterruptedException {
        // a process that is no JVM (or has ended) has no compiler threads: its share is unknown
        long notAJvm = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
        LoadLoop.Compilers compilers = new LoadLoop.Compilers(notAJvm);

        compilers.start();
        Thread.sleep(200); // /proc counts in ticks of 10 ms: a stretch much shorter would say little
        double[] shares = compilers.percentsSinceStart();

        assertThat(shares).hasSize(2);
        assertThat(shares[0]).isNotNegative().isFinite();
        assertThat(shares[1]).isNaN();
        assertThat(compilers.percentSinceStart()).isNotNegative().isFinite();
        double[] millis = compilers.millisSinceStart();
        assertThat(millis).hasSize(2);
        assertThat(millis[0]).isNotNegative().isFinite();
        assertThat(millis[1]).isNaN();
    }

    @Test
    void addsTheSharesItKnowsAndCountsAnUnknownShareAsQuiet() {
        assertThat(LoadLoop.Compilers.total(new double[] {Double.NaN, 2.5, 3.0})).isEqualTo(5.5);
        assertThat(LoadLoop.Compilers.total(new double[] {Double.NaN, Double.NaN})).isNaN();

        assertThat(LoadLoop.Compilers.quiet(LoadLoop.QUIET_COMPILERS_PERCENT)).isTrue();
        assertThat(LoadLoop.Compilers.quiet(LoadLoop.QUIET_COMPILERS_PERCENT + 0.1)).isFalse();
        assertThat(LoadLoop.Compilers.quiet(Double.NaN)).isTrue();
    }
}
