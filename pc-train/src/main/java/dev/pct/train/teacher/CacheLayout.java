package dev.pct.train.teacher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where everything lies in a {@link LogitCache} file for one identity and chunk size: the preamble, the JSON
 * header, the chunk table and the aligned data.
 */
final class CacheLayout {
    private static final int TABLE_ALIGNMENT = 8;
    private static final int DATA_ALIGNMENT = 4096;

    final LogitCache.Identity identity;
    final int chunkRows;
    final int chunkCount;
    final byte[] header;
    final long tableOffset;
    final long dataOffset;
    final long rowBytes;

    private CacheLayout(LogitCache.Identity identity, int chunkRows, int chunkCount, byte[] header, long tableOffset,
            long dataOffset) {
        this.identity = identity;
        this.chunkRows = chunkRows;
        this.chunkCount = chunkCount;
        this.header = header;
        this.tableOffset = tableOffset;
        this.dataOffset = dataOffset;
        this.rowBytes = (long) identity.classes() * identity.precision().bytesPerValue();
    }

    static CacheLayout of(LogitCache.Identity identity, int chunkRows) {
        int chunkCount = (int) ((identity.rows() + (long) chunkRows - 1) / chunkRows);
        // The header states the offsets, which depend on the header's length: iterate to the fixed point.
        // Offsets only grow with the header, and the header only with its numbers, so this converges.
        long tableOffset = 0;
        long dataOffset = 0;
        while (true) {
            byte[] header = headerJson(identity, chunkRows, chunkCount, tableOffset, dataOffset);
            if (header.length > LogitCache.MAX_HEADER_BYTES) {
                throw new IllegalArgumentException("the logit cache identity takes " + header.length
                        + " bytes as JSON, over the " + LogitCache.MAX_HEADER_BYTES + " a header may have");
            }
            long table = align(LogitCache.PREAMBLE_BYTES + header.length, TABLE_ALIGNMENT);
            long data = align(table + (long) LogitCache.TABLE_ENTRY_BYTES * chunkCount, DATA_ALIGNMENT);
            if (table == tableOffset && data == dataOffset) {
                return new CacheLayout(identity, chunkRows, chunkCount, header, tableOffset, dataOffset);
            }
            tableOffset = table;
            dataOffset = data;
        }
    }

    int firstRow(int chunk) {
        return chunk * chunkRows;
    }

    int endRow(int chunk) {
        return (int) Math.min(identity.rows(), (long) (chunk + 1) * chunkRows);
    }

    long chunkOffset(int chunk) {
        return dataOffset + firstRow(chunk) * rowBytes;
    }

    int chunkBytes(int chunk) {
        return (int) ((endRow(chunk) - firstRow(chunk)) * rowBytes);
    }

    long fileBytes() {
        return dataOffset + identity.rows() * rowBytes;
    }


    private static long align(long value, int alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }

    private static byte[] headerJson(LogitCache.Identity identity, int chunkRows, int chunkCount, long tableOffset,
            long dataOffset) {
        ObjectNode root = LogitCache.MAPPER.createObjectNode();
        root.put("format", LogitCache.FORMAT_NAME);
        ObjectNode id = root.putObject("identity");
        id.put("oldModel", identity.oldModel());
        id.put("data", identity.data());
        id.put("preprocessing", identity.preprocessing());
        id.put("rows", identity.rows());
        id.put("classes", identity.classes());
        id.put("precision", identity.precision().name());
        root.put("chunkRows", chunkRows);
        root.put("chunkCount", chunkCount);
        root.put("chunkTableOffset", tableOffset);
        root.put("dataOffset", dataOffset);
        try {
            return LogitCache.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a logit cache header as JSON", e);
        }
    }
}
