package io.github.infisicalawsauth.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.infisicalawsauth.autoconfigure.config.InfisicalPropertySource;
import io.github.infisicalawsauth.secrets.SecretsSnapshot;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Masks every property that came from Infisical in the {@code env} and
 * {@code configprops} endpoints, whatever {@code show-values} says: properties of an
 * Infisical property source, properties whose value refers to one ({@code db.password:
 * ${DB_PASSWORD}}), and bound or resolved values equal to an imported secret.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalSanitizingFunction implements SanitizingFunction {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)");

	private static final int MIN_EMBEDDED_LENGTH = 6;

	private final ConfigurableEnvironment environment;

	private volatile Values values = new Values(List.of(), Set.of());

	InfisicalSanitizingFunction(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	@Override
	public SanitizableData apply(SanitizableData data) {
		Object value = data.getValue();
		if (value == null) {
			return data;
		}
		PropertySource<?> source = data.getPropertySource();
		if (source != null && InfisicalImports.unwrap(source) instanceof InfisicalPropertySource) {
			return data.withSanitizedValue();
		}
		List<InfisicalPropertySource> imports = InfisicalImports.find(this.environment);
		if (imports.isEmpty()) {
			return data;
		}
		// the env endpoint resolves placeholders before sanitizing: look at what was
		// written too
		Object raw = (source != null) ? source.getProperty(data.getKey()) : null;
		if ((raw instanceof String written && refersToASecret(written, imports))
				|| refersToASecret(value.toString(), imports) || holdsASecret(value.toString(), imports)) {
			return data.withSanitizedValue();
		}
		return data;
	}

	// equal to a secret, or containing one long enough not to be a common word
	private boolean holdsASecret(String text, List<InfisicalPropertySource> imports) {
		for (String secret : secretValues(imports)) {
			if (text.equals(secret) || (secret.length() >= MIN_EMBEDDED_LENGTH && text.contains(secret))) {
				return true;
			}
		}
		return false;
	}

	private static boolean refersToASecret(String text, List<InfisicalPropertySource> imports) {
		if (!text.contains("${")) {
			return false;
		}
		Matcher matcher = PLACEHOLDER.matcher(text);
		while (matcher.find()) {
			String name = matcher.group(1).trim();
			for (InfisicalPropertySource source : imports) {
				if (source.containsProperty(name)) {
					return true;
				}
			}
		}
		return false;
	}

	// rebuilt only when the imported secrets changed
	private Set<String> secretValues(List<InfisicalPropertySource> imports) {
		List<SecretsSnapshot> snapshots = new ArrayList<>();
		for (InfisicalPropertySource source : imports) {
			SecretsSnapshot snapshot = source.getSnapshot();
			if (snapshot != null) {
				snapshots.add(snapshot);
			}
		}
		Values current = this.values;
		if (!current.isFor(snapshots)) {
			Set<String> secretValues = new HashSet<>();
			snapshots.forEach((snapshot) -> addNonEmpty(secretValues, snapshot.getSecrets().values()));
			current = new Values(snapshots, secretValues);
			this.values = current;
		}
		return current.values();
	}

	private static void addNonEmpty(Set<String> target, Collection<String> values) {
		for (String value : values) {
			if (!value.isEmpty()) {
				target.add(value);
			}
		}
	}

	/**
	 * The secret values of some snapshots.
	 */
	private record Values(List<SecretsSnapshot> snapshots, Set<String> values) {

		boolean isFor(List<SecretsSnapshot> others) {
			if (others.size() != this.snapshots.size()) {
				return false;
			}
			for (int i = 0; i < others.size(); i++) {
				if (others.get(i) != this.snapshots.get(i)) {
					return false;
				}
			}
			return true;
		}

		@Override
		public String toString() {
			return "Values[" + this.snapshots.size() + " snapshots]";
		}

		@Override
		public boolean equals(@Nullable Object obj) {
			return this == obj;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this);
		}

	}

}
