package io.github.infisicalawsauth.autoconfigure.push;

import io.github.infisicalawsauth.push.WebhookPayload;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.bus.event.Destination;
import org.springframework.cloud.bus.event.RemoteApplicationEvent;

/**
 * A webhook notice that one instance received from Infisical and passes on over Spring
 * Cloud Bus: the exact body and signature header, which every instance verifies itself
 * before it reads anything, and, for people and logs, the project, environment and path
 * the notice named (never trusted: the verified body decides). What arrives may hold
 * anything, {@code null} included; the {@link #toString()} shows no signature.
 *
 * @author Infisical AWS Auth contributors
 */
@SuppressWarnings("serial")
final class InfisicalWebhookBusEvent extends RemoteApplicationEvent {

	private byte @Nullable [] body;

	private @Nullable String signature;

	private @Nullable String projectId;

	private @Nullable String environment;

	private @Nullable String secretPath;

	// for Jackson
	@SuppressWarnings("unused")
	private InfisicalWebhookBusEvent() {
		this.body = new byte[0];
		this.signature = "";
	}

	InfisicalWebhookBusEvent(Object source, String originService, Destination destination, byte[] body,
			String signature, WebhookPayload payload) {
		super(source, originService, destination);
		this.body = body.clone();
		this.signature = signature;
		this.projectId = payload.getProjectId();
		this.environment = payload.getEnvironment();
		this.secretPath = payload.getSecretPath();
	}

	public byte @Nullable [] getBody() {
		return (this.body != null) ? this.body.clone() : null;
	}

	public @Nullable String getSignature() {
		return this.signature;
	}

	public @Nullable String getProjectId() {
		return this.projectId;
	}

	public @Nullable String getEnvironment() {
		return this.environment;
	}

	public @Nullable String getSecretPath() {
		return this.secretPath;
	}

	@Override
	public String toString() {
		return "InfisicalWebhookBusEvent[id " + getId() + ", from " + getOriginService() + ", project '"
				+ this.projectId + "', environment '" + this.environment + "', path '" + this.secretPath + "']";
	}

}
