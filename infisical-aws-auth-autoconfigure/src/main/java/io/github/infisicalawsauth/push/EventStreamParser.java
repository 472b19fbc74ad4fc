package io.github.infisicalawsauth.push;

import org.jspecify.annotations.Nullable;

/**
 * Turns the lines of a server-sent events stream into {@link EventStreamFrame frames}, as
 * the HTML specification reads them: {@code event:} names the frame, {@code data:} lines
 * are joined with {@code \n}, a blank line ends the frame, a line starting with {@code :}
 * is a comment, {@code id:}, {@code retry:} and unknown fields are ignored. Data past a
 * limit is dropped and the frame marked as cut, so that a stream cannot fill the heap.
 *
 * @author Infisical AWS Auth contributors
 */
final class EventStreamParser {

	private final int maxDataLength;

	private final StringBuilder data = new StringBuilder();

	private @Nullable String name;

	private boolean hasData;

	private boolean cut;

	/**
	 * Create a parser.
	 * @param maxDataLength the most characters of data kept per frame
	 */
	EventStreamParser(int maxDataLength) {
		this.maxDataLength = maxDataLength;
	}

	/**
	 * Read one line.
	 * @param line the line, without its end
	 * @return the frame that the line completes, or {@code null}
	 */
	@Nullable EventStreamFrame accept(String line) {
		if (line.isEmpty()) {
			return dispatch();
		}
		if (line.charAt(0) == ':') {
			return null;
		}
		int colon = line.indexOf(':');
		String field = (colon != -1) ? line.substring(0, colon) : line;
		String value = (colon != -1) ? line.substring(colon + 1) : "";
		if (value.startsWith(" ")) {
			value = value.substring(1);
		}
		if (field.equals("event")) {
			this.name = value;
		}
		else if (field.equals("data")) {
			appendData(value);
		}
		return null;
	}

	private void appendData(String value) {
		if (this.hasData) {
			append("\n");
		}
		this.hasData = true;
		append(value);
	}

	private void append(String value) {
		int room = this.maxDataLength - this.data.length();
		if (value.length() > room) {
			this.data.append(value, 0, Math.max(0, room));
			this.cut = true;
		}
		else {
			this.data.append(value);
		}
	}

	private @Nullable EventStreamFrame dispatch() {
		String name = this.name;
		EventStreamFrame frame = (this.hasData || name != null) ? new EventStreamFrame(
				(name != null && !name.isEmpty()) ? name : "message", this.data.toString(), this.cut) : null;
		this.name = null;
		this.data.setLength(0);
		this.hasData = false;
		this.cut = false;
		return frame;
	}

}
