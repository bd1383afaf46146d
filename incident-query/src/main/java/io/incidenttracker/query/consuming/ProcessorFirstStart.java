package io.incidenttracker.query.consuming;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.config.Configurer;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.UnableToInitializeTokenException;
import org.axonframework.lifecycle.Phase;
import org.axonframework.springboot.EventProcessorProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * A processor's first start reads the topic from its beginning as new events, not as a replay.
 * <p>
 * Left to itself, Axon (4.13) initializes a new tracking processor with a replay token that ends at the head of the
 * source as it is at that moment: every record already on the topic is then delivered as a replay, and handlers
 * marked {@code @DisallowReplay} never see it. For the audit ledger that would mean a ledger without the events
 * published before the service first started (or in the instant between the topic's creation and the processor's
 * start), and for the dead-letter topic records never sent. Nothing was handled by a processor that has no token yet,
 * so nothing is a replay: before the processors start, each one without tokens gets its segments at the tail of the
 * topic (no position), in one transaction. A real replay ({@code resetTokens}) is unaffected.
 */
@Component
public class ProcessorFirstStart implements ConfigurerModule {

    private static final Logger log = LoggerFactory.getLogger(ProcessorFirstStart.class);

    static final List<String> PROCESSORS =
            List.of(Processors.INCIDENT_PROJECTION, Processors.AUDIT_LEDGER, Processors.INCIDENT_HISTORY,
                    Processors.WEBHOOK_OUTBOX);

    private final EventProcessorProperties properties;

    public ProcessorFirstStart(EventProcessorProperties properties) {
        this.properties = properties;
    }

    @Override
    public void configureModule(Configurer configurer) {
        // just before the processors' own start handlers, which initialize missing tokens their own way
        configurer.onInitialize(configuration -> configuration.onStart(Phase.INBOUND_EVENT_CONNECTORS - 1,
                () -> initializeMissingTokens(configuration)));
    }

    private void initializeMissingTokens(Configuration configuration) {
        TransactionManager transactions = configuration.getComponent(TransactionManager.class);
        for (String processor : PROCESSORS) {
            TokenStore tokens = configuration.eventProcessingConfiguration().tokenStore(processor);
            int segments = segmentCount(processor);
            try {
                transactions.executeInTransaction(() -> {
                    if (tokens.fetchSegments(processor).length == 0) {
                        tokens.initializeTokenSegments(processor, segments, null);
                        log.info("Processor {} starts for the first time: {} segment(s) from the start of the topic",
                                 processor, segments);
                    }
                });
            } catch (UnableToInitializeTokenException e) {
                // another instance initialized them at the same moment; they are at the tail as well
                log.info("Tokens of processor {} were initialized by another instance", processor);
            }
        }
    }

    private int segmentCount(String processor) {
        EventProcessorProperties.ProcessorSettings settings = properties.getProcessors().get(processor);
        if (settings == null) {
            throw new IllegalStateException("No settings under axon.eventhandling.processors." + processor);
        }
        Integer count = settings.getInitialSegmentCount();
        return count == null ? 1 : count;
    }
}
