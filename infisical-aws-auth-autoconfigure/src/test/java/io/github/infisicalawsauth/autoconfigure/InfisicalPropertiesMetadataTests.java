package io.github.infisicalawsauth.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.infisicalawsauth.authentication.AwsIamAuthentication;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests of the configuration metadata that the build generates from
 * {@link InfisicalProperties} and {@code additional-spring-configuration-metadata.json}:
 * every property is described, in the style of the codebase, and listed in the README's
 * table, and every hint fits its property.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalPropertiesMetadataTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private static final Pattern README_ROW = Pattern.compile("^\\| `(infisical\\.[^`]+)` \\|", Pattern.MULTILINE);

	private static Map<String, JsonNode> properties;

	private static List<JsonNode> hints;

	@BeforeAll
	static void readMetadata() throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		List<URL> ours = new ArrayList<>();
		properties = new LinkedHashMap<>();
		hints = new ArrayList<>();
		// every jar of Spring Boot has such a file: ours is the one with infisical.*
		for (URL url : Collections
			.list(InfisicalPropertiesMetadataTests.class.getClassLoader().getResources(METADATA))) {
			JsonNode metadata;
			try (InputStream in = url.openStream()) {
				metadata = json.readTree(in);
			}
			boolean infisical = false;
			for (JsonNode property : metadata.path("properties")) {
				String name = property.get("name").asString();
				if (name.startsWith(InfisicalProperties.PREFIX + ".")) {
					properties.put(name, property);
					infisical = true;
				}
			}
			if (infisical) {
				ours.add(url);
				metadata.path("hints").forEach(hints::add);
			}
		}
		assertThat(ours).as("classpath resources %s with infisical.* properties", METADATA).hasSize(1);
		assertThat(properties).containsKeys("infisical.site-url", "infisical.aws-auth.identity-id",
				"infisical.secrets.refresh-interval");
	}

	@Test
	void everyPropertyHasADescription() {
		assertThat(properties.values()).allSatisfy(
				(property) -> assertThat(description(property)).as("description of %s", property.get("name").asString())
					.isNotBlank());
	}

	@Test
	void descriptionsFollowTheStyle() {
		assertThat(properties.values()).allSatisfy((property) -> {
			String name = property.get("name").asString();
			String description = description(property);
			assertThat(description).as("description of %s", name).doesNotStartWith("The ").endsWith(".");
			if ("java.lang.Boolean".equals(property.get("type").asString())) {
				assertThat(description).as("description of boolean %s", name).startsWith("Whether ");
			}
		});
	}

	@Test
	void everyPropertyIsInTheReadmeTable() throws IOException {
		Set<String> rows = readmeRows();
		assertThat(properties.keySet())
			.allSatisfy((name) -> assertThat(rows).as("README rows of '## Configuration properties'").contains(name));
	}

	@Test
	void everyRowOfTheReadmeTableIsAProperty() throws IOException {
		assertThat(readmeRows()).allSatisfy((name) -> assertThat(properties).as("properties").containsKey(name));
	}

	@Test
	void everyHintIsForAPropertyAndLetsOtherValuesThroughWhenItOffersValues() {
		assertThat(hints).isNotEmpty().allSatisfy((hint) -> {
			String name = hint.get("name").asString();
			assertThat(properties).as("properties").containsKey(name);
			if (hint.has("values")) {
				assertThat(hint.get("values")).as("values of %s", name)
					.allSatisfy((value) -> assertThat(description(value)).isNotBlank());
				// every hinted property takes values beyond the examples
				assertThat(hint.path("providers").findValuesAsString("name")).as("providers of %s", name)
					.contains("any");
			}
		});
	}

	@Test
	void regionHintsAreRegionsThatCanSignTheLogin() {
		JsonNode regionHint = hints.stream()
			.filter((hint) -> hint.get("name").asString().equals("infisical.aws-auth.region"))
			.findFirst()
			.orElseThrow();
		List<String> regions = regionHint.get("values").findValuesAsString("value");
		assertThat(regions).contains("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-1")
			.noneMatch((region) -> region.startsWith("cn-"));
		assertThat(regions).allSatisfy((region) -> assertThatNoException().as("region %s", region)
			.isThrownBy(() -> AwsIamAuthentication.checkRegion(region)));
	}

	private static String description(JsonNode node) {
		JsonNode description = node.get("description");
		return (description != null) ? description.asString() : "";
	}

	private static Set<String> readmeRows() throws IOException {
		String readme = Files.readString(readme());
		int start = readme.indexOf("\n## Configuration properties\n");
		assertThat(start).as("'## Configuration properties' in the README").isNotNegative();
		int end = readme.indexOf("\n## ", start + 1);
		String table = readme.substring(start, (end != -1) ? end : readme.length());
		Set<String> rows = new LinkedHashSet<>();
		Matcher matcher = README_ROW.matcher(table);
		while (matcher.find()) {
			rows.add(matcher.group(1));
		}
		return rows;
	}

	// the module's directory when Maven runs the tests, the root in some IDEs
	private static Path readme() {
		for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
			Path readme = directory.resolve("README.md");
			if (Files.isRegularFile(readme) && Files.isRegularFile(directory.resolve("mvnw"))) {
				return readme;
			}
		}
		throw new IllegalStateException("No README.md next to mvnw above " + Path.of("").toAbsolutePath());
	}

}
