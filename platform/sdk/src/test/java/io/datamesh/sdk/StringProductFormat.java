package io.datamesh.sdk;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.datamesh.bitemporal.Operation;
import io.datamesh.sdk.record.ProductFormat;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sources.SourcePosition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** A product format for SDK tests: string payloads, a plain binary envelope. The platform's real format is Avro. */
public final class StringProductFormat implements ProductFormat<String> {

    public static final StringProductFormat INSTANCE = new StringProductFormat();

    @Override
    public Serde<ProductRecord<String>> serde(String topic) {
        return Serdes.serdeFrom((t, r) -> r == null ? null : write(r), (t, b) -> b == null ? null : read(b));
    }

    @Override
    public byte[] canonicalBytes(String payload) {
        return payload.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Serde<String> payloadSerde(String topic) {
        return Serdes.String();
    }

    static byte[] write(ProductRecord<String> r) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(r.key());
            out.writeLong(r.validFrom().toEpochMilli());
            out.writeLong(r.recordedAt().toEpochMilli());
            out.writeByte(r.operation().code());
            out.writeUTF(io.datamesh.sources.SourceHeaders.encode(r.source()));
            out.write(r.contentHash());
            out.writeBoolean(r.payload() != null);
            if (r.payload() != null) { // length and UTF-8 bytes: writeUTF stops at 64 KiB, size-limit tests go past 1 MiB
                byte[] payload = r.payload().getBytes(StandardCharsets.UTF_8);
                out.writeInt(payload.length);
                out.write(payload);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ProductRecord<String> read(byte[] b) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(b))) {
            String key = in.readUTF();
            Instant valid = Instant.ofEpochMilli(in.readLong());
            Instant recorded = Instant.ofEpochMilli(in.readLong());
            Operation op = Operation.ofCode(in.readByte());
            SourcePosition source = io.datamesh.sources.SourceHeaders.decode(in.readUTF());
            byte[] hash = in.readNBytes(32);
            String payload = in.readBoolean() ? new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8) : null;
            return new ProductRecord<>(key, valid, recorded, op, source, hash, payload);
        } catch (IOException e) {
            throw new SerializationException("not a test product record", e);
        }
    }
}
