package io.turngate.config.render;

import io.turngate.config.gateway.GatewayResources;
import io.turngate.config.v1.ConfigException;

import java.util.ArrayList;
import java.util.List;

/**
 * Manifests for the operator parity tests. The objects mirror the fixtures the STUNner gateway operator's renderer
 * tests are built on (a class, its GatewayConfig, a two-listener Gateway {@code testnamespace/gateway-1}, a route, a
 * LoadBalancer Service annotated for the Gateway, a Node, endpoints), written here as our own YAML so that every
 * case states its input in the form a user would give it.
 */
final class OperatorWorld {
    static final String NS = "testnamespace";
    static final String GW = "gateway-1";
    static final String UDP = "gateway-1-listener-udp";
    static final String TCP = "gateway-1-listener-tcp";
    static final String RELATED = "stunner.l7mp.io/related-gateway-name";

    /** The two listeners of the fixture Gateway: UDP on port 1, TCP on port 2. */
    static final String LISTENERS = """
            - {name: gateway-1-listener-udp, port: 1, protocol: TURN-UDP}
            - {name: gateway-1-listener-tcp, port: 2, protocol: TURN-TCP}
            """;

    private OperatorWorld() {
    }

    static String gatewayClass(String name, String configName) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: %s}
                spec:
                  controllerName: stunner.l7mp.io/gateway-operator
                  parametersRef: {group: stunner.l7mp.io, kind: GatewayConfig, name: %s, namespace: testnamespace}
                """.formatted(name, configName);
    }

    static final String GATEWAY_CLASS = gatewayClass("gatewayclass-ok", "gatewayconfig-ok");

    static String gatewayConfig(String name, String extraSpec) {
        return """
                apiVersion: stunner.l7mp.io/v1
                kind: GatewayConfig
                metadata: {name: %s, namespace: testnamespace}
                spec:
                  realm: testrealm
                  authType: static
                  userName: testuser
                  password: testpass
                  logLevel: testloglevel
                """.formatted(name) + extraSpec.indent(2);
    }

    static final String GATEWAY_CONFIG = gatewayConfig("gatewayconfig-ok", "");

    /** GatewayConfig with {@code loadBalancerServiceAnnotations}, given as a YAML flow map. */
    static String gatewayConfigWithLbAnnotations(String flowMap) {
        return gatewayConfig("gatewayconfig-ok", "loadBalancerServiceAnnotations: " + flowMap + "\n");
    }

    static String gateway(String name, String className, String annotations, String listeners, String extraSpec) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: %s
                  namespace: testnamespace
                  labels: {dummy-label: dummy-value}
                  annotations: %s
                spec:
                  gatewayClassName: %s
                  listeners:
                """.formatted(name, annotations, className) + listeners.indent(2) + extraSpec.indent(2);
    }

    /** The fixture Gateway {@code testnamespace/gateway-1} with the given listeners. */
    static String gateway(String listeners) {
        return gateway(GW, "gatewayclass-ok", "{}", listeners, "");
    }

    static final String GATEWAY = gateway(LISTENERS);

    /** The fixture Gateway with annotations (a YAML flow map). */
    static String annotatedGateway(String annotations, String listeners) {
        return gateway(GW, "gatewayclass-ok", annotations, listeners, "");
    }

    static String route(String apiVersion, String name, String ns, String parentRefs, String backendRefs) {
        return """
                apiVersion: %s
                kind: UDPRoute
                metadata: {name: %s, namespace: %s}
                spec:
                  parentRefs: %s
                  rules:
                  - backendRefs: %s
                """.formatted(apiVersion, name, ns, parentRefs, backendRefs);
    }

    static String route(String name, String ns, String parentRefs, String backendRefs) {
        return route("stunner.l7mp.io/v1", name, ns, parentRefs, backendRefs);
    }

    /** A route in testnamespace attached to the UDP listener of gateway-1. */
    static String route(String name, String backendRefs) {
        return route(name, NS, "[{name: gateway-1, sectionName: gateway-1-listener-udp}]", backendRefs);
    }

    /** The fixture route {@code testnamespace/udproute-ok} to the Service testservice-ok, on the UDP listener. */
    static final String ROUTE = route("udproute-ok", "[{name: testservice-ok}]");

    static final String ROUTE_V1A2 = route("gateway.networking.k8s.io/v1alpha2", "udproute-ok", NS,
            "[{name: gateway-1, sectionName: gateway-1-listener-udp}]", "[{name: testservice-ok, port: 1}]");

    /** A Service; by default the fixture one ({@code testnamespace/testservice-ok}), annotated for gateway-1. */
    static final class Svc {
        String name = "testservice-ok";
        String namespace = NS;
        String annotations = "{" + RELATED + ": testnamespace/gateway-1}";
        String ownerRefs = null;
        String type = "LoadBalancer";
        String clusterIP = null;
        String ports = "[{name: udp-ok, protocol: UDP, port: 1}, {name: tcp-ok, protocol: TCP, port: 2}]";
        String ingress = "[{ip: 1.2.3.4, ports: [{port: 1, protocol: UDP}, {port: 2, protocol: TCP}]}]";

        Svc name(String n) {
            name = n;
            return this;
        }

        Svc namespace(String n) {
            namespace = n;
            return this;
        }

        /** An ownerReference to the Gateway {@code gw} (no uid, like the operator's fixtures). */
        Svc ownedBy(String gw) {
            ownerRefs = "[{apiVersion: gateway.networking.k8s.io/v1, kind: Gateway, name: " + gw + "}]";
            return this;
        }

        Svc owned() {
            return ownedBy(GW);
        }

        Svc ownerRefs(String flow) {
            ownerRefs = flow;
            return this;
        }

        Svc annotations(String flowMap) {
            annotations = flowMap;
            return this;
        }

        Svc type(String t) {
            type = t;
            return this;
        }

        Svc clusterIP(String ip) {
            clusterIP = ip;
            return this;
        }

        Svc ports(String flow) {
            ports = flow;
            return this;
        }

        /** {@code status.loadBalancer.ingress}, or {@code null} for no status at all. */
        Svc ingress(String flow) {
            ingress = flow;
            return this;
        }

        String yaml() {
            StringBuilder sb = new StringBuilder("apiVersion: v1\nkind: Service\nmetadata:\n");
            sb.append("  name: ").append(name).append("\n  namespace: ").append(namespace).append('\n');
            sb.append("  annotations: ").append(annotations).append('\n');
            if (ownerRefs != null) {
                sb.append("  ownerReferences: ").append(ownerRefs).append('\n');
            }
            sb.append("spec:\n  type: ").append(type).append("\n  selector: {app: dummy}\n");
            if (clusterIP != null) {
                sb.append("  clusterIP: ").append(clusterIP).append('\n');
            }
            sb.append("  ports: ").append(ports).append('\n');
            if (ingress != null) {
                sb.append("status:\n  loadBalancer:\n    ingress: ").append(ingress).append('\n');
            }
            return sb.toString();
        }
    }

    static Svc svc() {
        return new Svc();
    }

    static String slice(String name, String ns, String service, String endpoints) {
        return """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s
                  namespace: %s
                  labels: {kubernetes.io/service-name: %s}
                addressType: IPv4
                endpoints:
                """.formatted(name, ns, service) + endpoints.indent(0);
    }

    /** The endpoints of the fixture EndpointSlice: ready, terminating and serving-but-not-ready addresses. */
    static final String SLICE_ENDPOINTS = """
            - addresses: [1.2.3.4, 1.2.3.5]
              conditions: {ready: true, serving: true, terminating: false}
            - addresses: [1.2.3.6]
              conditions: {ready: false, serving: false, terminating: true}
            - addresses: [1.2.3.7]
              conditions: {ready: false, serving: true, terminating: false}
            """;

    static String slice(String ns, String service) {
        return slice("testendpointslice-ok", ns, service, SLICE_ENDPOINTS);
    }

    static final String SLICE = slice(NS, "testservice-ok");

    /** Legacy Endpoints for a Service: 1.2.3.4, 1.2.3.5 ready, 1.2.3.6 not ready; a second subset with 1.2.3.7. */
    static String endpoints(String name, String ns) {
        return """
                apiVersion: v1
                kind: Endpoints
                metadata: {name: %s, namespace: %s}
                subsets:
                - addresses: [{ip: 1.2.3.4}, {ip: 1.2.3.5}]
                  notReadyAddresses: [{ip: 1.2.3.6}]
                - addresses: [{ip: 1.2.3.7}]
                """.formatted(name, ns);
    }

    static final String ENDPOINTS = endpoints("testservice-ok", NS);

    static String node(String name, String addresses) {
        return """
                apiVersion: v1
                kind: Node
                metadata: {name: %s}
                status:
                  addresses: %s
                """.formatted(name, addresses);
    }

    /** A Node with an InternalIP and the ExternalIP 1.2.3.4. */
    static final String NODE = node("testnode-ok",
            "[{type: InternalIP, address: 255.255.255.255}, {type: ExternalIP, address: 1.2.3.4}]");

    static String secret(String name, String type, String data) {
        return "apiVersion: v1\nkind: Secret\nmetadata: {name: " + name + ", namespace: testnamespace}\n"
                + (type == null ? "" : "type: " + type + "\n") + "stringData: " + data + "\n";
    }

    /** TLS Secret testsecret-ok: tls.crt "testcert", tls.key "testkey". */
    static final String TLS_SECRET = secret("testsecret-ok", "kubernetes.io/tls", "{tls.crt: testcert, tls.key: testkey}");
    static final String CERT64 = "dGVzdGNlcnQ=";
    static final String KEY64 = "dGVzdGtleQ==";

    static String staticService(String name, String prefixes) {
        return "apiVersion: stunner.l7mp.io/v1\nkind: StaticService\nmetadata: {name: " + name
                + ", namespace: testnamespace}\nspec: {prefixes: " + prefixes + "}\n";
    }

    static final String STATIC_SERVICE = staticService("teststaticservice-ok", "[10.11.12.13, 10.11.12.14, 10.11.12.15]");

    static String namespace(String name, String labels) {
        return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + ", labels: " + labels + "}\n";
    }

    static final String DATAPLANE = """
            apiVersion: stunner.l7mp.io/v1
            kind: Dataplane
            metadata: {name: default}
            spec: {replicas: 3, image: testimage-1, command: [testcommand-1], args: [arg-1, arg-2], hostNetwork: true}
            """;

    /** The class, its config and the given documents, as one multi-document manifest. */
    static String world(String... docs) {
        List<String> all = new ArrayList<>(List.of(GATEWAY_CLASS, GATEWAY_CONFIG));
        all.addAll(List.of(docs));
        return join(all);
    }

    /** The class, the given GatewayConfig and the given documents. */
    static String worldWithConfig(String gatewayConfig, String... docs) {
        List<String> all = new ArrayList<>(List.of(GATEWAY_CLASS, gatewayConfig));
        all.addAll(List.of(docs));
        return join(all);
    }

    /** The given documents only (no default class or config). */
    static String join(List<String> docs) {
        StringBuilder sb = new StringBuilder();
        for (String d : docs) {
            sb.append(d.endsWith("\n") ? d : d + "\n").append("---\n");
        }
        return sb.toString();
    }

    static GatewayResources parse(String yaml) throws ConfigException {
        return GatewayResources.parse(yaml, "parity.yaml");
    }
}
