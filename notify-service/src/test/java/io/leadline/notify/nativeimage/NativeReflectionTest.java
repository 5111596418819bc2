package io.leadline.notify.nativeimage;

import io.leadline.shared.event.EventEnvelope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps {@link NativeReflection} complete as records are added; a plain JVM test, no Quarkus start. */
class NativeReflectionTest {

    private static final RegisterForReflection REGISTRATION =
            NativeReflection.class.getAnnotation(RegisterForReflection.class);

    private static Set<String> registered() {
        Set<String> names = new TreeSet<>(Arrays.asList(REGISTRATION.classNames()));
        Arrays.stream(REGISTRATION.targets()).map(Class::getName).forEach(names::add);
        return names;
    }

    @Test
    void everySharedEventAndRpcRecordIsRegistered() throws Exception {
        Set<String> records = sharedRecords("io/leadline/shared/event/", "io/leadline/shared/rpc/");
        assertThat(records).contains(EventEnvelope.class.getName());
        assertThat(registered()).containsAll(records);
    }

    @Test
    void everyGatewayFrameRecordIsRegistered() throws Exception {
        Set<String> frames = Arrays.stream(Class.forName("io.leadline.notify.gateway.ServerFrames").getDeclaredClasses())
                .filter(Class::isRecord)
                .map(Class::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(frames).isNotEmpty();
        assertThat(registered()).containsAll(frames);
    }

    @Test
    void everyNamedClassExistsAndTheRawSocketAccessorsAreThere() throws Exception {
        for (String name : REGISTRATION.classNames()) {
            assertThat(Class.forName(name, false, getClass().getClassLoader())).as(name).isNotNull();
        }
        Class<?> base = Class.forName("io.quarkus.websockets.next.runtime.WebSocketConnectionBase");
        assertThat(base.getDeclaredMethod("webSocket")).isNotNull();
        assertThat(Class.forName("io.vertx.ext.web.impl.ServerWebSocketWrapper").getDeclaredField("delegate")).isNotNull();
        assertThat(REGISTRATION.methods()).isTrue();
    }

    private static Set<String> sharedRecords(String... packagePrefixes) throws IOException, URISyntaxException {
        Path location = Path.of(EventEnvelope.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(location)) {
            return recordsUnder(location, packagePrefixes);
        }
        try (FileSystem jar = FileSystems.newFileSystem(location, Map.of())) {
            return recordsUnder(jar.getPath("/"), packagePrefixes);
        }
    }

    private static Set<String> recordsUnder(Path root, String... packagePrefixes) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> p.endsWith(".class") && Arrays.stream(packagePrefixes).anyMatch(p::startsWith))
                    .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
                    .map(NativeReflectionTest::load)
                    .filter(Class::isRecord)
                    .map(Class::getName)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, NativeReflectionTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
