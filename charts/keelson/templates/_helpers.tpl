{{/* The release's full name, at most 63 characters (a DNS label). */}}
{{- define "keelson.fullname" -}}
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

{{- define "keelson.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "keelson.selectorLabels" -}}
app.kubernetes.io/name: {{ include "keelson.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "keelson.labels" -}}
{{ include "keelson.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: agent
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "keelson.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "keelson.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "keelson.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Where the configuration and the referenced secrets are mounted. */}}
{{- define "keelson.configDir" -}}/etc/keelson{{- end -}}
{{- define "keelson.secretsDir" -}}/etc/keelson/secrets{{- end -}}
{{- define "keelson.cacheDir" -}}/var/cache/keelson{{- end -}}

{{/*
Namespaces the agent may apply to: rbac.watchNamespaces in namespaced mode, else allowedNamespaces.
*/}}
{{- define "keelson.allowedNamespaces" -}}
{{- if .Values.rbac.namespaced -}}
{{- toJson .Values.rbac.watchNamespaces -}}
{{- else -}}
{{- toJson .Values.allowedNamespaces -}}
{{- end -}}
{{- end -}}

{{/*
Every secret or file the configuration references, as a dict from volume name to
{secret | configMap, key, dir, file}. The ConfigMap's {file: ...} references, the Deployment's volumes and
its volumeMounts are all rendered from this one dict, so a reference and its mount cannot disagree.
*/}}
{{- define "keelson.mounts" -}}
{{- $mounts := dict -}}
{{- with .Values.apiToken -}}
{{- if .existingSecret -}}
{{- $_ := set $mounts "api-token" (dict "secret" .existingSecret "key" .key "file" "token") -}}
{{- end -}}
{{- end -}}
{{- with .Values.releaseController.prometheusToken -}}
{{- if .existingSecret -}}
{{- $_ := set $mounts "prometheus-token" (dict "secret" .existingSecret "key" .key "file" "token") -}}
{{- end -}}
{{- end -}}
{{- range .Values.sources -}}
{{- $source := .name -}}
{{- with .credentials -}}
{{- with .token -}}
{{- $_ := set $mounts (printf "src-%s-token" $source) (dict "secret" .existingSecret "key" .key "file" "token") -}}
{{- end -}}
{{- with .basic -}}
{{- $_ := set $mounts (printf "src-%s-password" $source) (dict "secret" .existingSecret "key" .key "file" "password") -}}
{{- end -}}
{{- with .ssh -}}
{{- $_ := set $mounts (printf "src-%s-ssh-key" $source) (dict "secret" .existingSecret "key" (default "identity" .privateKeyKey) "file" "identity") -}}
{{- $_ := set $mounts (printf "src-%s-known-hosts" $source) (dict "secret" .existingSecret "key" (default "known_hosts" .knownHostsKey) "file" "known_hosts") -}}
{{- end -}}
{{- end -}}
{{- with .webhookSecret -}}
{{- $_ := set $mounts (printf "src-%s-webhook" $source) (dict "secret" .existingSecret "key" .key "file" "secret") -}}
{{- end -}}
{{- with .verification -}}
{{- with .gpgKeyring -}}
{{- $_ := set $mounts (printf "src-%s-gpg" $source) (dict "secret" .existingSecret "configMap" .existingConfigMap "key" .key "file" "keyring.asc") -}}
{{- end -}}
{{- with .sshAllowedSigners -}}
{{- $_ := set $mounts (printf "src-%s-signers" $source) (dict "secret" .existingSecret "configMap" .existingConfigMap "key" .key "file" "allowed_signers") -}}
{{- end -}}
{{- end -}}
{{- with .sops -}}
{{- with .age -}}
{{- $_ := set $mounts (printf "src-%s-sops-age" $source) (dict "secret" .existingSecret "key" .key "file" "keys.txt") -}}
{{- end -}}
{{- with .pgp -}}
{{- $_ := set $mounts (printf "src-%s-sops-pgp" $source) (dict "secret" .existingSecret "key" .key "file" "secret.asc") -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $volume, $mount := $mounts -}}
{{- $_ := set $mount "dir" (printf "%s/%s" (include "keelson.secretsDir" $) $volume) -}}
{{- end -}}
{{- toJson $mounts -}}
{{- end -}}

{{/* The path of a mounted reference: (list $mounts volumeName). */}}
{{- define "keelson.mountedFile" -}}
{{- $mount := index (index . 0) (index . 1) -}}
{{- printf "%s/%s" $mount.dir $mount.file -}}
{{- end -}}

{{/*
What the agent needs wherever it manages objects: Events on the objects it syncs, prunes and corrects;
the release controller's ReleasePolicies (status written, actions recorded by a patch), its routing
objects, and the Deployments it releases. Then what Git may declare (rbac.manage): read and watch (drift),
server-side apply (create + patch, also as a dry run), prune (delete). Discovery needs no RBAC.
*/}}
{{- define "keelson.rules" -}}
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create]
- apiGroups: [keelson.io]
  resources: [releasepolicies]
  verbs: [get, list, watch, patch, update]
- apiGroups: [keelson.io]
  resources: [releasepolicies/status]
  verbs: [get, update, patch]
- apiGroups: [networking.istio.io]
  resources: [virtualservices, destinationrules]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [gateway.networking.k8s.io]
  resources: [httproutes]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch]
{{- range .Values.rbac.manage }}
- apiGroups: {{ toJson .apiGroups }}
  resources: {{ toJson .resources }}
  verbs: [get, list, watch, create, patch, delete]
{{- end }}
{{- end -}}
