package io.incidenttracker.bench;

/**
 * One thing the harness measures. It takes what it needs from the context (the seeded incidents, the services the
 * harness started, the anchors run so far) and adds its rows and details to the context's results.
 */
@FunctionalInterface
interface Measure {

    void run(BenchContext context) throws Exception;
}
