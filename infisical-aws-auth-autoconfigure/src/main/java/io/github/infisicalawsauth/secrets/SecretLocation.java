package io.github.infisicalawsauth.secrets;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A folder of secrets in Infisical: project, environment and path, with how to read it.
 * Immutable; its {@link #toString()} holds no secret.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class SecretLocation {

	private final String projectId;

	private final String environment;

	private final String path;

	private final boolean recursive;

	private final boolean includeImports;

	private final boolean expandReferences;

	private SecretLocation(String projectId, String environment, String path, boolean recursive, boolean includeImports,
			boolean expandReferences) {
		this.projectId = projectId;
		this.environment = environment;
		this.path = path;
		this.recursive = recursive;
		this.includeImports = includeImports;
		this.expandReferences = expandReferences;
	}

	/**
	 * Create a location that is not recursive, includes imports and expands references.
	 * @param projectId the project id
	 * @param environment the environment slug, for example {@code dev}
	 * @param path the folder path, for example {@code /} or {@code /app/backend}
	 * @return the location
	 */
	public static SecretLocation of(String projectId, String environment, String path) {
		return new SecretLocation(checkNotEmpty(projectId, "projectId").trim(),
				checkNotEmpty(environment, "environment").trim(), normalizePath(path), false, true, true);
	}

	/**
	 * Normalise a folder path: leading {@code /}, no trailing {@code /}, {@code /} for
	 * the root.
	 * @param path the path, {@code null} or empty for the root
	 * @return the normalised path
	 */
	public static String normalizePath(@Nullable String path) {
		String normalized = (path != null) ? path.trim() : "";
		if (!normalized.startsWith("/")) {
			normalized = "/" + normalized;
		}
		while (normalized.length() > 1 && normalized.endsWith("/")) {
			normalized = normalized.substring(0, normalized.length() - 1);
		}
		if (normalized.contains("//")) {
			throw new IllegalArgumentException("'path' must not contain empty segments: " + path);
		}
		return normalized;
	}

	/**
	 * Return a copy that reads sub-folders too.
	 * @param recursive whether to read sub-folders
	 * @return the location
	 */
	public SecretLocation withRecursive(boolean recursive) {
		return new SecretLocation(this.projectId, this.environment, this.path, recursive, this.includeImports,
				this.expandReferences);
	}

	/**
	 * Return a copy that includes or leaves out the folder's secret imports.
	 * @param includeImports whether to include imported secrets
	 * @return the location
	 */
	public SecretLocation withIncludeImports(boolean includeImports) {
		return new SecretLocation(this.projectId, this.environment, this.path, this.recursive, includeImports,
				this.expandReferences);
	}

	/**
	 * Return a copy that lets the server expand secret references or not.
	 * @param expandReferences whether {@code ${KEY}} references are expanded
	 * @return the location
	 */
	public SecretLocation withExpandReferences(boolean expandReferences) {
		return new SecretLocation(this.projectId, this.environment, this.path, this.recursive, this.includeImports,
				expandReferences);
	}

	/**
	 * Return the project id.
	 * @return the project id
	 */
	public String getProjectId() {
		return this.projectId;
	}

	/**
	 * Return the environment slug.
	 * @return the environment
	 */
	public String getEnvironment() {
		return this.environment;
	}

	/**
	 * Return the normalised folder path.
	 * @return the path
	 */
	public String getPath() {
		return this.path;
	}

	/**
	 * Whether sub-folders are read too.
	 * @return {@code true} if recursive
	 */
	public boolean isRecursive() {
		return this.recursive;
	}

	/**
	 * Whether the folder's secret imports are included.
	 * @return {@code true} if imports are included
	 */
	public boolean isIncludeImports() {
		return this.includeImports;
	}

	/**
	 * Whether the server expands secret references.
	 * @return {@code true} if references are expanded
	 */
	public boolean isExpandReferences() {
		return this.expandReferences;
	}

	/**
	 * Describe the location for messages: project, environment and path.
	 * @return the description
	 */
	public String describe() {
		return "project '" + this.projectId + "', environment '" + this.environment + "', path '" + this.path + "'";
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		if (this == obj) {
			return true;
		}
		if (!(obj instanceof SecretLocation other)) {
			return false;
		}
		return this.projectId.equals(other.projectId) && this.environment.equals(other.environment)
				&& this.path.equals(other.path) && this.recursive == other.recursive
				&& this.includeImports == other.includeImports && this.expandReferences == other.expandReferences;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.projectId, this.environment, this.path, this.recursive, this.includeImports,
				this.expandReferences);
	}

	@Override
	public String toString() {
		return "SecretLocation[projectId=" + this.projectId + ", environment=" + this.environment + ", path="
				+ this.path + ", recursive=" + this.recursive + ", includeImports=" + this.includeImports
				+ ", expandReferences=" + this.expandReferences + "]";
	}

	private static String checkNotEmpty(@Nullable String value, String name) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("'" + name + "' must not be empty");
		}
		return value;
	}

}
