package io.turngate.cli;

import io.turngate.log.Logs;
import org.slf4j.Logger;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGTERM and SIGINT for the graceful drain (stunner-compat §1f): the first one runs {@code onFirst} (start draining)
 * instead of shutting the JVM down; a second one exits at once. Uses the JDK's {@code sun.misc.Signal}
 * ({@code jdk.unsupported}, present on every HotSpot build) through reflection; where it is missing the JVM's
 * default handling (immediate shutdown) stays.
 */
final class Signals {
    /** Exit code when a second signal cuts a drain short (128 + SIGTERM, as a shell reports a killed process). */
    static final int EXIT_SECOND_SIGNAL = 143;
    private static final Logger LOG = Logs.get("server");

    private Signals() {
    }

    /** @return false when the signals cannot be caught on this JVM */
    static boolean install(Runnable onFirst) {
        AtomicInteger seen = new AtomicInteger();
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Constructor<?> make = signal.getConstructor(String.class);
            Method handle = signal.getMethod("handle", signal, handlerType);
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerType},
                    (proxy, method, args) -> {
                        if (!method.getName().equals("handle")) {
                            return method.getName().equals("toString") ? "turngate-signals"
                                    : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : proxy == args[0];
                        }
                        if (seen.incrementAndGet() == 1) {
                            onFirst.run();
                        } else {
                            LOG.warn("second signal ({}): exiting now", args[0]);
                            Runtime.getRuntime().halt(EXIT_SECOND_SIGNAL);
                        }
                        return null;
                    });
            for (String name : new String[] {"TERM", "INT"}) {
                handle.invoke(null, make.newInstance(name), handler);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.warn("cannot catch SIGTERM/SIGINT on this JVM ({}): no graceful drain", e.toString());
            return false;
        }
    }
}
