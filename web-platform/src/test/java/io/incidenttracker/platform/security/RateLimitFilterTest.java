package io.incidenttracker.platform.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.platform.problem.ProblemWriter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token bucket of each caller: a burst at once, then the configured rate; callers do not share a bucket. */
class RateLimitFilterTest {

    private static final long SECOND = 1_000_000_000L;

    private final RateLimitFilter filter = new RateLimitFilter(2, 3, new ProblemWriter(new ObjectMapper()));

    @Test
    void aCallerMaySpendItsBurstAtOnceAndThenWaitsForTheRate() {
        for (int i = 0; i < 3; i++) {
            assertThat(filter.take("principal:responder", 0)).isZero();
        }
        assertThat(filter.take("principal:responder", 0)).isEqualTo(SECOND / 2);
        assertThat(filter.take("principal:responder", SECOND / 2)).isZero();
    }

    @Test
    void oneCallerOverItsRateLeavesAnotherUntouched() {
        for (int i = 0; i < 3; i++) {
            filter.take("principal:responder", 0);
        }
        assertThat(filter.take("principal:responder", 0)).isPositive();
        assertThat(filter.take("principal:viewer", 0)).isZero();
    }

    @Test
    void refusesARateOrBurstThatAdmitsNothing() {
        ProblemWriter writer = new ProblemWriter(new ObjectMapper());
        assertThatThrownBy(() -> new RateLimitFilter(0, 1, writer)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimitFilter(1, 0, writer)).isInstanceOf(IllegalArgumentException.class);
    }
}
