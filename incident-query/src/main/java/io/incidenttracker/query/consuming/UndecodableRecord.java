package io.incidenttracker.query.consuming;

/**
 * A record on the topic that could not be read as an incident event. It travels through the processor like an event,
 * so that it is stored and counted in the same transaction that moves the token past it.
 *
 * @param topic     the record's topic
 * @param partition the record's partition
 * @param offset    the record's offset
 * @param key       the record key, if any
 * @param type      the CloudEvents type, if it could be read
 * @param reason    why the record could not be read
 * @param value     the record's value as it was on the topic, for the dead-letter topic
 * @param headers   the record's headers as they were on the topic, for the dead-letter topic
 */
public record UndecodableRecord(String topic, int partition, long offset, String key, String type, String reason,
                                byte[] value, java.util.Map<String, byte[]> headers) {
}
