package io.incidenttracker.query.consuming;

import org.axonframework.extensions.kafka.eventhandling.consumer.streamable.Buffer;
import org.axonframework.extensions.kafka.eventhandling.consumer.streamable.KafkaEventMessage;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded buffer that hands out messages in exactly the order they were fetched and converted.
 * <p>
 * The extension's default buffer re-sorts messages by record timestamp across partitions. Each message carries the
 * token as of its conversion, which already includes every record converted before it, from any partition; handing
 * a later-converted message out first stores a token that claims records not yet handled, and an error or restart
 * right then skips them. In fetch order the tokens only ever grow, so nothing can be skipped. Order within a
 * partition, the only order Kafka defines and the one per-incident sequences rely on, is kept either way.
 */
public class FetchOrderBuffer implements Buffer<KafkaEventMessage> {

    private final ArrayDeque<KafkaEventMessage> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final AtomicReference<RuntimeException> fetchError = new AtomicReference<>();
    private final int capacity;

    public FetchOrderBuffer(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("Capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public void put(KafkaEventMessage message) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            doPut(message);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void putAll(Collection<KafkaEventMessage> messages) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            for (KafkaEventMessage message : messages) {
                doPut(message);
            }
        } finally {
            lock.unlock();
        }
    }

    private void doPut(KafkaEventMessage message) throws InterruptedException {
        if (message == null) {
            throw new IllegalArgumentException("Message may not be null");
        }
        while (queue.size() >= capacity) {
            notFull.await();
        }
        queue.addLast(message);
        notEmpty.signal();
    }

    @Override
    public KafkaEventMessage poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty()) {
                throwFetchError();
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return remove();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public KafkaEventMessage take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty()) {
                throwFetchError();
                notEmpty.await();
            }
            return remove();
        } finally {
            lock.unlock();
        }
    }

    private KafkaEventMessage remove() {
        KafkaEventMessage message = queue.pollFirst();
        notFull.signal();
        return message;
    }

    @Override
    public KafkaEventMessage peek() {
        lock.lock();
        try {
            if (queue.isEmpty()) {
                throwFetchError();
            }
            return queue.peekFirst();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public int remainingCapacity() {
        lock.lock();
        try {
            return capacity - queue.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void clear() {
        lock.lock();
        try {
            queue.clear();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The fetcher failed: once the buffered messages are handed out, readers get the error. */
    @Override
    public void setException(RuntimeException exception) {
        fetchError.set(exception);
        lock.lock();
        try {
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void throwFetchError() {
        RuntimeException error = fetchError.get();
        if (error != null) {
            throw error;
        }
    }
}
