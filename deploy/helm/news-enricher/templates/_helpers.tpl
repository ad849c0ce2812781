{{/*
Names and labels.
*/}}
{{- define "news-enricher.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "news-enricher.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "news-enricher.selectorLabels" -}}
app.kubernetes.io/name: {{ include "news-enricher.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "news-enricher.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "news-enricher.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: worker
app.kubernetes.io/part-of: news-enricher
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "news-enricher.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "news-enricher.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "news-enricher.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Where Secrets with certificates are mounted in the container. */}}
{{- define "news-enricher.tlsDir" -}}/etc/news-enricher/tls{{- end -}}

{{/*
The worker configuration as the container sees it: .Values.config plus the certificate paths of
mounted Secrets. Returned as YAML; callers use `fromYaml`.
*/}}
{{- define "news-enricher.effectiveConfig" -}}
{{- $cfg := deepCopy (default (dict) .Values.config) -}}
{{- $kafka := deepCopy (default (dict) (get $cfg "kafka")) -}}
{{- if hasKey $kafka "sasl_password" -}}
{{- fail "config.kafka.sasl_password must not be set in values: put the password in a Secret and name it in kafkaAuth.sasl.existingSecret" -}}
{{- end -}}
{{- $tlsDir := include "news-enricher.tlsDir" . -}}
{{- with .Values.kafkaAuth.tls.caSecret -}}
{{- $_ := set $kafka "ssl_ca_location" (printf "%s/ca/%s" $tlsDir $.Values.kafkaAuth.tls.caKey) -}}
{{- end -}}
{{- with .Values.kafkaAuth.tls.clientCertSecret -}}
{{- $_ := set $kafka "ssl_certificate_location" (printf "%s/client/tls.crt" $tlsDir) -}}
{{- $_ := set $kafka "ssl_key_location" (printf "%s/client/tls.key" $tlsDir) -}}
{{- end -}}
{{- $_ := set $cfg "kafka" $kafka -}}
{{- toYaml $cfg -}}
{{- end -}}

{{/* One TOML scalar: strings JSON-quoted (valid TOML basic strings), whole numbers as integers. */}}
{{- define "news-enricher.tomlScalar" -}}
{{- $v := . -}}
{{- if kindIs "string" $v -}}
{{- toJson $v -}}
{{- else if kindIs "bool" $v -}}
{{- $v -}}
{{- else if or (kindIs "float64" $v) (kindIs "int" $v) (kindIs "int64" $v) (kindIs "float32" $v) -}}
{{- if eq (float64 (int64 $v)) (float64 $v) -}}{{- int64 $v -}}{{- else -}}{{- $v -}}{{- end -}}
{{- else -}}
{{- fail (printf "config: %v (%s) cannot be written to TOML: use a string, number, boolean or table" $v (kindOf $v)) -}}
{{- end -}}
{{- end -}}

{{/*
.Values.config rendered to TOML: one [section] per top-level key with its scalar keys, then a
[section.sub] table per nested map (the librdkafka pass-through tables), whose keys are quoted
(librdkafka names contain dots) and whose values are strings, as the worker expects.
*/}}
{{- define "news-enricher.configToml" -}}
{{- $cfg := include "news-enricher.effectiveConfig" . | fromYaml -}}
# Rendered by the news-enricher Helm chart from .Values.config. Keys not named here keep the
# defaults of config/default.toml embedded in the binary.
{{- range $section := keys $cfg | sortAlpha }}
{{- $body := get $cfg $section }}
{{- if not (kindIs "map" $body) }}
{{- fail (printf "config.%s must be a table (a section of config/default.toml)" $section) }}
{{- end }}

[{{ $section }}]
{{- range $key := keys $body | sortAlpha }}
{{- $v := get $body $key }}
{{- if not (kindIs "map" $v) }}
{{ $key }} = {{ include "news-enricher.tomlScalar" $v }}
{{- end }}
{{- end }}
{{- range $key := keys $body | sortAlpha }}
{{- $v := get $body $key }}
{{- if kindIs "map" $v }}

[{{ $section }}.{{ $key }}]
{{- range $prop := keys $v | sortAlpha }}
{{ toJson $prop }} = {{ get $v $prop | toString | toJson }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Drain timeout of the effective config, in ms (the worker's default when unset). */}}
{{- define "news-enricher.drainTimeoutMs" -}}
{{- $d := 5000 -}}
{{- with .Values.config -}}{{- with .delivery -}}{{- if hasKey . "drain_timeout_ms" -}}{{- $d = .drain_timeout_ms -}}{{- end -}}{{- end -}}{{- end -}}
{{- int64 $d -}}
{{- end -}}

{{/* A config value by section and key, or a default. */}}
{{- define "news-enricher.cfg" -}}
{{- $root := index . 0 -}}{{- $section := index . 1 -}}{{- $key := index . 2 -}}{{- $default := index . 3 -}}
{{- $sec := get (default (dict) $root.Values.config) $section -}}
{{- if and (kindIs "map" $sec) (hasKey $sec $key) -}}{{- get $sec $key -}}{{- else -}}{{- $default -}}{{- end -}}
{{- end -}}

{{/* The most replicas that make sense: min(keda.maxReplicaCount or inputPartitions, inputPartitions). */}}
{{- define "news-enricher.maxReplicas" -}}
{{- $parts := int64 .Values.inputPartitions -}}
{{- $max := $parts -}}
{{- if .Values.keda.maxReplicaCount -}}{{- $max = int64 .Values.keda.maxReplicaCount -}}{{- end -}}
{{- $max -}}
{{- end -}}

{{/*
Checks that run on every render; each failure names the value to change.
*/}}
{{- define "news-enricher.validate" -}}
{{- $parts := int64 .Values.inputPartitions -}}
{{- if lt $parts 1 -}}
{{- fail "inputPartitions must be the input topic's partition count (1 or more)" -}}
{{- end -}}
{{- $max := int64 (include "news-enricher.maxReplicas" .) -}}
{{- if gt $max $parts -}}
{{- fail (printf "keda.maxReplicaCount (%d) must not exceed inputPartitions (%d): replicas beyond the partition count sit idle in the consumer group" $max $parts) -}}
{{- end -}}
{{- if lt $max (int64 .Values.keda.minReplicaCount) -}}
{{- fail (printf "keda.minReplicaCount (%d) must not exceed keda.maxReplicaCount (%d)" (int64 .Values.keda.minReplicaCount) $max) -}}
{{- end -}}
{{- if and (not .Values.keda.enabled) (gt (int64 .Values.replicaCount) $parts) -}}
{{- fail (printf "replicaCount (%d) must not exceed inputPartitions (%d)" (int64 .Values.replicaCount) $parts) -}}
{{- end -}}
{{- $drainMs := int64 (include "news-enricher.drainTimeoutMs" .) -}}
{{- $graceMs := mul (int64 .Values.terminationGracePeriodSeconds) 1000 -}}
{{- $needMs := add $drainMs (mul (int64 .Values.drainMarginSeconds) 1000) -}}
{{- if le $graceMs $needMs -}}
{{- fail (printf "terminationGracePeriodSeconds (%d s) must exceed config.delivery.drain_timeout_ms (%d ms) plus drainMarginSeconds (%d s), or SIGKILL cuts the drain short" (int64 .Values.terminationGracePeriodSeconds) $drainMs (int64 .Values.drainMarginSeconds)) -}}
{{- end -}}
{{- $proto := include "news-enricher.cfg" (list . "kafka" "security_protocol" "plaintext") -}}
{{- if and (hasPrefix "sasl" $proto) (not .Values.kafkaAuth.sasl.existingSecret) -}}
{{- fail (printf "config.kafka.security_protocol is %s: set kafkaAuth.sasl.existingSecret to the Secret with the SASL username and password" $proto) -}}
{{- end -}}
{{- $listen := include "news-enricher.cfg" (list . "admin" "listen" "0.0.0.0:9464") -}}
{{- $port := regexFind "[0-9]+$" $listen -}}
{{- if ne $port (toString .Values.service.port) -}}
{{- fail (printf "config.admin.listen (%s) and service.port (%v) must use the same port" $listen .Values.service.port) -}}
{{- end -}}
{{- end -}}
