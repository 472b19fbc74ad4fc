package io.github.infisicalawsauth.secrets;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * The parts of a secrets list answer ({@code /api/v4/secrets} or
 * {@code /api/v3/secrets/raw}) that loading needs, read straight from the parser: keys,
 * values, paths and whether a value is hidden. Every other field is skipped without being
 * turned into objects, so that reading a large folder costs little more than its keys and
 * values.
 *
 * @author Infisical AWS Auth contributors
 */
final class SecretsAnswer {

	private final @Nullable List<Secret> own;

	private final List<List<Secret>> imports;

	private SecretsAnswer(@Nullable List<Secret> own, List<List<Secret>> imports) {
		this.own = own;
		this.imports = imports;
	}

	/**
	 * Return the location's own secrets.
	 * @return the secrets, {@code null} if the answer has no {@code secrets} list
	 */
	@Nullable List<Secret> own() {
		return this.own;
	}

	/**
	 * Return the secrets of each import, in the server's order.
	 * @return the imports, empty if they were not asked for
	 */
	List<List<Secret>> imports() {
		return this.imports;
	}

	boolean isEmpty() {
		if (this.own != null && !this.own.isEmpty()) {
			return false;
		}
		for (List<Secret> secretImport : this.imports) {
			if (!secretImport.isEmpty()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Read an answer.
	 * @param parser the parser, before the first token
	 * @param withPaths whether to read each secret's folder path (only a recursive read
	 * needs it)
	 * @param withImports whether to read the secrets of imports
	 * @return the answer
	 */
	static SecretsAnswer read(JsonParser parser, boolean withPaths, boolean withImports) {
		List<Secret> own = null;
		List<List<Secret>> imports = new ArrayList<>();
		if (parser.nextToken() != JsonToken.START_OBJECT) {
			return new SecretsAnswer(null, imports);
		}
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken value = parser.nextToken();
			if ("secrets".equals(name) && value == JsonToken.START_ARRAY) {
				own = readSecrets(parser, withPaths);
			}
			else if ("imports".equals(name) && value == JsonToken.START_ARRAY && withImports) {
				while (parser.nextToken() != JsonToken.END_ARRAY) {
					imports.add(readImport(parser));
				}
			}
			else {
				parser.skipChildren();
			}
		}
		return new SecretsAnswer(own, imports);
	}

	private static List<Secret> readImport(JsonParser parser) {
		List<Secret> secrets = new ArrayList<>();
		if (parser.currentToken() != JsonToken.START_OBJECT) {
			parser.skipChildren();
			return secrets;
		}
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken value = parser.nextToken();
			if ("secrets".equals(name) && value == JsonToken.START_ARRAY) {
				secrets = readSecrets(parser, false);
			}
			else {
				parser.skipChildren();
			}
		}
		return secrets;
	}

	private static List<Secret> readSecrets(JsonParser parser, boolean withPaths) {
		List<Secret> secrets = new ArrayList<>();
		while (parser.nextToken() != JsonToken.END_ARRAY) {
			if (parser.currentToken() != JsonToken.START_OBJECT) {
				parser.skipChildren();
				continue;
			}
			String key = "";
			String value = "";
			String path = "";
			boolean hidden = false;
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				parser.nextToken();
				switch (name) {
					case "secretKey" -> key = text(parser);
					case "secretValue" -> value = text(parser);
					case "secretPath" -> path = withPaths ? text(parser) : skip(parser);
					case "secretValueHidden" -> hidden = flag(parser);
					default -> parser.skipChildren();
				}
			}
			secrets.add(new Secret(key, value, path, hidden || SecretsReader.HIDDEN_VALUE.equals(value)));
		}
		return secrets;
	}

	// a scalar as text, anything else as empty, as JsonNode.asString() on value nodes
	private static String text(JsonParser parser) {
		JsonToken token = parser.currentToken();
		if (token == JsonToken.VALUE_STRING) {
			return parser.getString();
		}
		if (token != null && token.isScalarValue() && token != JsonToken.VALUE_NULL) {
			return parser.getText();
		}
		parser.skipChildren();
		return "";
	}

	private static String skip(JsonParser parser) {
		parser.skipChildren();
		return "";
	}

	private static boolean flag(JsonParser parser) {
		JsonToken token = parser.currentToken();
		if (token == JsonToken.VALUE_TRUE) {
			return true;
		}
		if (token == JsonToken.VALUE_STRING) {
			return "true".equalsIgnoreCase(parser.getString().trim());
		}
		if (token == JsonToken.VALUE_NUMBER_INT) {
			return parser.getIntValue() != 0;
		}
		parser.skipChildren();
		return false;
	}

	/**
	 * One secret of the answer.
	 *
	 * @param key the key, empty if the answer has none
	 * @param value the value
	 * @param path the folder path, empty unless asked for
	 * @param hidden whether Infisical hides the value from this identity
	 */
	record Secret(String key, String value, String path, boolean hidden) {

		@Override
		public String toString() {
			return "Secret[" + this.key + "]";
		}

	}

}
