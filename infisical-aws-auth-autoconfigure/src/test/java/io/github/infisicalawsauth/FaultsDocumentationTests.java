package io.github.infisicalawsauth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/faults.md} honest: every test it links exists where it says.
 *
 * @author Infisical AWS Auth contributors
 */
class FaultsDocumentationTests {

	private static final Path FAULTS = Path.of("..", "docs", "faults.md");

	private static final Pattern TEST_LINK = Pattern.compile("\\[`(\\w+)#(\\w+)`\\]\\(([^)]+)\\)");

	@Test
	void everyLinkedTestExists() throws IOException {
		String faults = Files.readString(FAULTS);
		Matcher links = TEST_LINK.matcher(faults);
		List<String> missing = new ArrayList<>();
		int count = 0;
		while (links.find()) {
			count++;
			Path source = FAULTS.getParent().resolve(links.group(3)).normalize();
			String className = links.group(1);
			String method = links.group(2);
			if (!Files.exists(source) || !source.getFileName().toString().equals(className + ".java")
					|| !Pattern.compile("void " + method + "\\(").matcher(Files.readString(source)).find()) {
				missing.add(className + "#" + method + " -> " + links.group(3));
			}
		}
		assertThat(count).isGreaterThan(40);
		assertThat(missing).isEmpty();
	}

}
