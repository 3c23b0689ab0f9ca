{{/* Labels on every object; the selector and pod labels stay {app: <release>} so a Service and a ReleasePolicy name them simply. */}}
{{- define "checkout.labels" -}}
app: {{ .Release.Name }}
app.kubernetes.io/name: {{ .Chart.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
