package io.github.infisicalawsauth.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Bytes allocated per operation by every thread of the JVM except the in-process test
 * server's ({@code infisical-test-server-*}): the client's own cost, including the JDK
 * {@code HttpClient}'s selector and worker threads. JMH's {@code -prof gc} counts every
 * thread, and so the server's rendering and writing of the answer too, which is not the
 * starter's cost. Use with
 * {@code -prof io.github.infisicalawsauth.benchmarks.ClientAllocationProfiler}.
 * <p>
 * Per-thread counters come from {@code com.sun.management.ThreadMXBean}; a thread that
 * ends during an iteration takes its count with it, so the figure is a lower bound when
 * client threads come and go (the JDK client keeps its threads while it is busy).
 *
 * @author Infisical AWS Auth contributors
 */
public class ClientAllocationProfiler implements InternalProfiler {

	static final String SERVER_THREAD_PREFIX = "infisical-test-server";

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private Map<Long, Long> before = Map.of();

	@Override
	public String getDescription() {
		return "Bytes allocated per operation outside the test server's threads";
	}

	@Override
	public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
		this.before = snapshot();
	}

	@Override
	public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
			IterationResult result) {
		Map<Long, Long> after = snapshot();
		long allocated = 0;
		for (Map.Entry<Long, Long> entry : after.entrySet()) {
			allocated += entry.getValue() - this.before.getOrDefault(entry.getKey(), 0L);
		}
		long operations = result.getMetadata().getAllOps();
		double perOperation = (operations > 0) ? (double) allocated / operations : Double.NaN;
		return List.of(new ScalarResult("client.alloc.norm", perOperation, "B/op", AggregationPolicy.AVG));
	}

	private static Map<Long, Long> snapshot() {
		long[] ids = THREADS.getAllThreadIds();
		ThreadInfo[] infos = THREADS.getThreadInfo(ids);
		long[] allocated = THREADS.getThreadAllocatedBytes(ids);
		Map<Long, Long> snapshot = new HashMap<>();
		for (int i = 0; i < ids.length; i++) {
			if (infos[i] != null && allocated[i] >= 0 && !infos[i].getThreadName().startsWith(SERVER_THREAD_PREFIX)) {
				snapshot.put(ids[i], allocated[i]);
			}
		}
		return snapshot;
	}

}
