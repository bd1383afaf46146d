package io.incidenttracker.query.audit;

import io.incidenttracker.audit.verify.Merkle;
import io.incidenttracker.audit.verify.MerkleTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Merkle tree of the committed ledger, with memory that grows by 32 bytes per {@value #TILE_SIZE} entries.
 * <p>
 * The ledger is cut into tiles of {@value #TILE_SIZE} consecutive entries (complete subtrees of height
 * {@value #TILE_HEIGHT}). In memory: the hash of every complete tile, in a tree of its own (every subtree of height
 * {@value #TILE_HEIGHT} and above), and every hash inside the newest tile, which is still filling. A subtree inside an
 * older tile is computed from that tile's leaf hashes, read from the table and checked against the tile's hash first;
 * the {@value #CACHED_TILES} tiles appended or read last are kept whole (16 KiB each). Roots of the whole ledger and checkpoints need no read; a proof reads at most two
 * tiles. A million entries take about 300 KiB, and the tiles kept whole at most 1 MiB (the tree that kept every subtree
 * took 64 MiB per million entries, and grew without bound in a heap that does not).
 * <p>
 * Built from the table at start, then caught up with newly committed rows on use. It keeps the hashes as they were
 * first committed: a later change to a stored row does not reach it. A tile whose stored leaves no longer give its
 * hash is refused ({@link TileMismatch}); the verification names the tile, or the exact entry inside the newest tile.
 */
public class LedgerTree implements Merkle.SubtreeHashes {

    /** Entries per tile: 2^8. */
    public static final int TILE_HEIGHT = 8;
    public static final int TILE_SIZE = 1 << TILE_HEIGHT;

    private static final Logger log = LoggerFactory.getLogger(LedgerTree.class);
    private static final int PAGE = 10_000;
    private static final int CACHED_TILES = 64;

    private final AuditLedger ledger;
    /** Leaf t is the hash of tile t: 32 bytes per complete tile, in chunks of 256 tile hashes. */
    private final MerkleTree tiles = new MerkleTree(8);
    /** The tile still filling; guarded by this. */
    private Tile newest = new Tile();
    /** Complete tiles read lately, by index; guarded by itself. */
    private final Map<Long, Tile> recent;
    private volatile long size;

    public LedgerTree(AuditLedger ledger) {
        this(ledger, CACHED_TILES);
    }

    /** Keeping at most {@code cachedTiles} complete tiles (the ones appended or read last) with all their hashes. */
    LedgerTree(AuditLedger ledger, int cachedTiles) {
        this.ledger = ledger;
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Tile> eldest) {
                return size() > cachedTiles;
            }
        };
    }

    /** Adds every row committed since the last call; stops at a hole (which the verification reports). */
    public synchronized long catchUp() {
        long before = size;
        while (true) {
            List<AuditLedger.IndexedHash> page = ledger.leafHashes(size, PAGE);
            for (AuditLedger.IndexedHash row : page) {
                if (row.index() != size) {
                    log.error("The audit ledger has no entry {} but one at {}; the tree stops before the hole",
                              size, row.index());
                    return size;
                }
                append(row.hash());
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        if (before == 0 && size > 0) {
            log.info("Audit ledger tree loaded: {} entries", size);
        }
        return size;
    }

    private void append(byte[] leafHash) {
        if (leafHash.length != Merkle.HASH_SIZE) {
            throw new IllegalArgumentException("a leaf hash has 32 bytes");
        }
        newest.append(leafHash);
        if (newest.count == TILE_SIZE) {
            long index = tiles.size();
            tiles.append(newest.root());
            synchronized (recent) {
                recent.put(index, newest);
            }
            newest = new Tile();
        }
        size = size + 1;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] subtree(int height, long position) {
        if (((position + 1) << height) > size) {
            throw new IllegalArgumentException("no complete subtree of height " + height + " at " + position);
        }
        if (height >= TILE_HEIGHT) {
            return tiles.subtree(height - TILE_HEIGHT, position);
        }
        int shift = TILE_HEIGHT - height;
        long tile = position >>> shift;
        return tile(tile).subtree(height, (int) (position - (tile << shift)));
    }

    /** The number of complete tiles: entries below {@code completeTiles() * TILE_SIZE} are in one. */
    public long completeTiles() {
        return tiles.size();
    }

    /** The hash of complete tile {@code tile} as computed when its entries were appended. */
    public byte[] tileHash(long tile) {
        return tiles.leaf(tile);
    }

    /** The leaf hashes of the tile still filling, as appended, and where it starts. */
    public synchronized Newest newest() {
        byte[][] leaves = new byte[newest.count][];
        for (int i = 0; i < leaves.length; i++) {
            leaves[i] = newest.subtree(0, i);
        }
        return new Newest(tiles.size() * TILE_SIZE, List.of(leaves));
    }

    /** The entries from {@code start} on that no tile holds yet, with the leaf hash each had when appended. */
    public record Newest(long start, List<byte[]> leafHashes) {
    }

    public byte[] leafHash(long index) {
        return subtree(0, index);
    }

    public byte[] rootHash(long size) {
        return Merkle.rootHash(this, size);
    }

    public List<byte[]> inclusionProof(long index, long size) {
        return Merkle.inclusionProof(this, index, size);
    }

    public List<byte[]> consistencyProof(long from, long to) {
        return Merkle.consistencyProof(this, from, to);
    }

    private Tile tile(long index) {
        synchronized (this) {
            if (index == tiles.size()) {
                // the caller asked for a complete subtree below size: it is in the newest tile's filled part, which
                // later appends do not touch (and a tile that fills meanwhile stays the same object)
                return newest;
            }
        }
        synchronized (recent) {
            Tile known = recent.get(index);
            if (known != null) {
                return known;
            }
        }
        Tile loaded = load(index);
        synchronized (recent) {
            recent.put(index, loaded);
        }
        return loaded;
    }

    /** Reads a complete tile's leaf hashes from the table and checks them against the tile's hash. */
    private Tile load(long index) {
        long start = index * TILE_SIZE;
        List<AuditLedger.IndexedHash> rows = ledger.leafHashes(start, TILE_SIZE);
        Tile tile = new Tile();
        for (AuditLedger.IndexedHash row : rows) {
            if (row.index() != start + tile.count || row.hash() == null || row.hash().length != Merkle.HASH_SIZE) {
                break;
            }
            tile.append(row.hash());
        }
        if (tile.count != TILE_SIZE || !Arrays.equals(tile.root(), tiles.leaf(index))) {
            throw new TileMismatch(start);
        }
        return tile;
    }

    /**
     * The stored entries of a complete tile no longer give the hash computed when they were appended: a row was
     * changed, removed or moved in the table (GET /api/audit/verify names it).
     */
    public static final class TileMismatch extends IllegalStateException {
        TileMismatch(long start) {
            super("the stored audit entries " + start + " to " + (start + TILE_SIZE - 1) + " no longer give the hash "
                    + "this service computed when it appended them; GET /api/audit/verify locates the change");
        }
    }

    /** Every hash of one tile: level h holds 2^(8-h) hashes of subtrees of height h, filled left to right. */
    private static final class Tile {
        private final byte[][] levels = new byte[TILE_HEIGHT + 1][];
        private int count;

        Tile() {
            for (int height = 0; height <= TILE_HEIGHT; height++) {
                levels[height] = new byte[(TILE_SIZE >> height) * Merkle.HASH_SIZE];
            }
        }

        void append(byte[] leafHash) {
            int index = count;
            put(0, index, leafHash);
            int height = 0;
            byte[] hash = leafHash;
            while ((index & 1) == 1) {
                hash = Merkle.nodeHash(subtree(height, index - 1), hash);
                index >>= 1;
                height++;
                put(height, index, hash);
            }
            count++;
        }

        byte[] root() {
            return subtree(TILE_HEIGHT, 0);
        }

        byte[] subtree(int height, int position) {
            return Arrays.copyOfRange(levels[height], position * Merkle.HASH_SIZE, (position + 1) * Merkle.HASH_SIZE);
        }

        private void put(int height, int position, byte[] hash) {
            System.arraycopy(hash, 0, levels[height], position * Merkle.HASH_SIZE, Merkle.HASH_SIZE);
        }
    }
}
