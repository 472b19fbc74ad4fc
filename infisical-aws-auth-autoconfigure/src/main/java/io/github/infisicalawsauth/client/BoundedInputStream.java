package io.github.infisicalawsauth.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads at most a given number of bytes, and fails as soon as the stream holds more, so
 * that an answer is never buffered whole before its size is known.
 *
 * @author Infisical AWS Auth contributors
 */
final class BoundedInputStream extends FilterInputStream {

	private final long limit;

	private long count;

	BoundedInputStream(InputStream in, long limit) {
		super(in);
		this.limit = limit;
	}

	@Override
	public int read() throws IOException {
		int b = super.read();
		if (b >= 0) {
			counted(1);
		}
		return b;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		int n = super.read(b, off, len);
		if (n > 0) {
			counted(n);
		}
		return n;
	}

	@Override
	public long skip(long n) throws IOException {
		long skipped = super.skip(n);
		counted(skipped);
		return skipped;
	}

	private void counted(long n) throws TooLarge {
		this.count += n;
		if (this.count > this.limit) {
			throw new TooLarge();
		}
	}

	@Override
	public boolean markSupported() {
		return false;
	}

	/**
	 * The stream holds more than the limit.
	 */
	static final class TooLarge extends IOException {

		TooLarge() {
			super("the answer is larger than the limit", null);
		}

	}

}
