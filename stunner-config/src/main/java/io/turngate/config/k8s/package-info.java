/**
 * Kubernetes mode: turngate reads the Gateway API from the cluster itself, without STUNner's operator.
 * {@link io.turngate.config.k8s.KubernetesConfigSource} keeps fabric8 informers on the kinds the operator watches,
 * turns their cache into the same {@link io.turngate.config.gateway.GatewayResources} a manifest file gives, and
 * renders it with the same renderer ({@link io.turngate.config.render.GatewayRenderer}) and the same Gateway
 * selection as files ({@link io.turngate.config.load.ConfigSources#render}); the config goes to the one pipeline every
 * {@link io.turngate.config.load.ConfigSource} feeds.
 *
 * <p>What it reads, and so the RBAC it needs (get is not used; list and watch are):
 * <ul>
 *   <li>list, watch in every namespace: {@code gateways.gateway.networking.k8s.io},
 *       {@code gatewayconfigs.stunner.l7mp.io}, {@code udproutes.stunner.l7mp.io}, {@code staticservices.stunner.l7mp.io},
 *       {@code services}, {@code endpointslices.discovery.k8s.io}; and {@code udproutes.gateway.networking.k8s.io}
 *       (v1alpha2) when that CRD is installed;</li>
 *   <li>list, watch, cluster-scoped: {@code gatewayclasses.gateway.networking.k8s.io}, {@code nodes}, and
 *       {@code dataplanes.stunner.l7mp.io} when installed;</li>
 *   <li>list, watch on the Secrets a GatewayConfig {@code authRef} or a Gateway listener's {@code certificateRefs}
 *       names, each by name (a field selector on {@code metadata.name}, which RBAC {@code resourceNames} admit);</li>
 *   <li>API discovery ({@code /apis/GROUP/VERSION}, open to every authenticated user by default) to see which
 *       optional CRDs are installed.</li>
 * </ul>
 * Status write-back (with its own update/patch rights) is not part of this package's source.
 */
package io.turngate.config.k8s;
