package io.github.infisicalawsauth.benchmarks.startup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A plain Spring Boot application without web server and without beans of its own,
 * launched once per measurement by {@code StartupBenchmark}. The same class runs with and
 * without the starter on the classpath; only the classpath and the arguments differ.
 * <p>
 * It prints {@code BENCHMARK READY <epoch micros>} when {@link ApplicationReadyEvent}
 * arrives and its CPU time so far ({@code BENCHMARK CPU <ms>}), then what it sees
 * ({@code BENCHMARK BEANS}, {@code BENCHMARK SECRET}) so the runner can check the variant
 * did what it claims, and {@code BENCHMARK EXIT <epoch
 * micros>} right before it returns from {@code main}. The JVM then ends as every
 * application that finished its work does: once its last non-daemon thread ends, after
 * the shutdown hooks (Spring Boot's closes the context). The runner times that from the
 * {@code EXIT} line to the end of the process. With {@code --benchmark.exit=system-exit}
 * it calls {@code System.exit(0)} instead, which does not wait for non-daemon threads.
 *
 * @author Infisical AWS Auth contributors
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class StartupApplication {

	private static final String SYSTEM_EXIT = "--benchmark.exit=system-exit";

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(StartupApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.addListeners((ApplicationListener<ApplicationReadyEvent>) (event) -> ready(event));
		ConfigurableApplicationContext context = application.run(args);
		boolean systemExit = false;
		for (String arg : args) {
			systemExit |= SYSTEM_EXIT.equals(arg);
		}
		report(context);
		System.out.println("BENCHMARK EXIT " + epochMicros());
		System.out.flush();
		if (systemExit) {
			System.exit(0);
		}
	}

	private static void ready(ApplicationReadyEvent event) {
		// first, so that nothing this class does is timed
		System.out.println("BENCHMARK READY " + epochMicros());
		System.out.println("BENCHMARK CPU " + cpuMillis());
	}

	/**
	 * Return the CPU time of every thread of this JVM so far, from
	 * {@code /proc/self/stat} (user and system time in clock ticks of 10 ms), or -1 where
	 * there is no such file. A figure that the machine's other load changes far less than
	 * the wall clock.
	 */
	private static long cpuMillis() {
		try {
			String stat = Files.readString(Path.of("/proc/self/stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// utime and stime are fields 14 and 15 of the line, 12 and 13 after the name
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	private static void report(ConfigurableApplicationContext context) {
		int infisicalBeans = 0;
		for (String name : context.getBeanDefinitionNames()) {
			if (name.toLowerCase().contains("infisical")) {
				infisicalBeans++;
			}
		}
		System.out.println("BENCHMARK BEANS " + infisicalBeans);
		System.out.println("BENCHMARK SECRET " + context.getEnvironment().containsProperty("KEY_00001"));
		System.out.println("BENCHMARK JAVA " + System.getProperty("java.version"));
	}

	private static long epochMicros() {
		return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
	}

}
