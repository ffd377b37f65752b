{{/* Name of a component: <release>-<component>, at most 63 characters. */}}
{{- define "mesh.name" -}}
{{- printf "%s-%s" .root.Release.Name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of a component. */}}
{{- define "mesh.labels" -}}
app.kubernetes.io/name: mesh
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* Selector labels of a component. */}}
{{- define "mesh.selector" -}}
app.kubernetes.io/name: mesh
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The registry URL the domains use. */}}
{{- define "mesh.registryUrl" -}}
{{- if .Values.registry.enabled -}}
{{- printf "http://%s:%v" (include "mesh.name" (dict "root" . "component" "registry")) .Values.registry.port -}}
{{- else -}}
{{- required "registry.url is required when registry.enabled is false" .Values.registry.url -}}
{{- end -}}
{{- end -}}

{{/* Prometheus scrape annotations. */}}
{{- define "mesh.scrape" -}}
{{- if .root.Values.metrics.annotations }}
prometheus.io/scrape: "true"
prometheus.io/path: /metrics
prometheus.io/port: {{ .port | quote }}
{{- end }}
{{- end -}}
