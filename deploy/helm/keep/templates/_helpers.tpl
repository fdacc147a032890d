{{/* Names, labels and the pieces every Keep Deployment shares. */}}
{{- define "keep.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "keep.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "edge"). */}}
{{- define "keep.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "keep.image" -}}
{{ printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end -}}

{{/* The Secret a component reads: the one named in existingSecret, else the chart's own. */}}
{{- define "keep.secretName" -}}
{{- $secret := index .root.Values.secrets .component -}}
{{- default (printf "%s-%s" (include "keep.fullname" .root) .component) $secret.existingSecret -}}
{{- end -}}

{{- define "keep.temporalEnv" -}}
- name: KEEP_TEMPORAL_ADDRESS
  value: {{ .Values.temporal.address | quote }}
- name: KEEP_TEMPORAL_NAMESPACE
  value: {{ .Values.temporal.namespace | quote }}
- name: KEEP_TEMPORAL_TLS
  value: {{ .Values.temporal.tls | quote }}
- name: KEEP_LOG_LEVEL
  value: {{ .Values.log.level | quote }}
{{- end -}}

{{/* Pod-level settings shared by every component. */}}
{{- define "keep.podSpec" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets: {{ toYaml . | nindent 2 }}
{{- end }}
securityContext: {{ toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector: {{ toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations: {{ toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity: {{ toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
