package com.example.sse;

import java.io.IOException;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.StreamOperations;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The Redis-backed stream of examples/redis/ in Spring MVC (Spring Boot 3, Spring Data Redis, Java 21):
 * the same keys and fields, so Node and Java instances can serve the same users. A sketch: it needs
 * Spring on the classpath, and blocking reads borrow a dedicated connection each time, so give the
 * Lettuce connection factory a pool (commons-pool2).
 */
@RestController
public class UserEventsController {
    static final long MAX_LEN = 1000;
    static final Duration RETENTION = Duration.ofDays(7);

    private final StringRedisTemplate redis;
    private final ObjectMapper json;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();

    public UserEventsController(StringRedisTemplate redis, ObjectMapper json) {
        this.redis = redis;
        this.json = json;
    }

    static String streamKey(String user) {
        return "sse:events:" + user;
    }

    // #region publish
    /** Appends a message to the user's stream from any instance; the entry id is the SSE id. */
    public String publish(String user, String messageType, Object messageData) throws JsonProcessingException {
        String key = streamKey(user);
        String data = json.writeValueAsString(Map.of("messageType", messageType, "messageData", messageData));
        String id = redis.<String, String>opsForStream().add(key, Map.of("data", data)).getValue();
        redis.opsForStream().trim(key, MAX_LEN, true); // MAXLEN ~
        redis.expire(key, RETENTION);
        return id;
    }
    // #endregion publish

    @GetMapping(path = "/api/sse", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter stream(Principal principal,
            @RequestHeader(name = "Last-Event-ID", required = false) String header,
            @RequestParam(name = "lastEventId", required = false) String param) {
        String key = streamKey(principal.getName());
        String newest = Boolean.TRUE.equals(redis.hasKey(key)) ? redis.opsForStream().info(key).lastGeneratedId() : "0-0";
        String after = StreamIds.resumeAfter(header != null ? header.trim() : param != null ? param.trim() : "", newest);

        SseEmitter emitter = new SseEmitter(0L); // no server timeout: heartbeats and the client decide
        AtomicBoolean open = new AtomicBoolean(true);
        ScheduledFuture<?> ping = heartbeats.scheduleAtFixedRate(() -> {
            try {
                emitter.send(SseEmitter.event().comment("ping"));
            } catch (IOException | IllegalStateException gone) {
                open.set(false);
            }
        }, 15, 15, TimeUnit.SECONDS);
        Runnable stop = () -> {
            open.set(false);
            ping.cancel(false);
        };
        emitter.onCompletion(stop);
        emitter.onTimeout(stop);
        emitter.onError(error -> stop.run());
        // One virtual thread per stream waits in XREAD BLOCK; a finite block lets it notice a closed stream.
        Thread.ofVirtual().start(() -> pump(emitter, open, key, after));
        return emitter;
    }

    // #region pump
    private void pump(SseEmitter emitter, AtomicBoolean open, String key, String after) {
        StreamOperations<String, String, String> streams = redis.opsForStream();
        try {
            emitter.send(SseEmitter.event().reconnectTime(1000));
            String cursor = after;
            // Replay: XRANGE key (after +
            for (MapRecord<String, String, String> entry : orEmpty(streams.range(key, Range.of(Range.Bound.exclusive(cursor), Range.Bound.unbounded())))) {
                cursor = send(emitter, entry);
            }
            // Live: XREAD BLOCK from the last id sent, never from "$", so nothing falls in between.
            while (open.get()) {
                List<MapRecord<String, String, String>> entries = streams.read(
                        StreamReadOptions.empty().count(100).block(Duration.ofSeconds(5)),
                        StreamOffset.create(key, ReadOffset.from(cursor)));
                for (MapRecord<String, String, String> entry : orEmpty(entries)) {
                    cursor = send(emitter, entry);
                }
            }
        } catch (Exception failure) {
            // Client gone or Redis failing: end the response; the client resumes from its last id.
            emitter.completeWithError(failure);
        }
    }

    private static String send(SseEmitter emitter, MapRecord<String, String, String> entry) throws IOException {
        String id = entry.getId().getValue();
        emitter.send(SseEmitter.event().id(id).data(entry.getValue().get("data"))); // the JSON text as stored
        return id;
    }
    // #endregion pump

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
