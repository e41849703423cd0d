{{/* Chart name, overridable with nameOverride. */}}
{{- define "dko.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name of the release's objects: the release name when it already contains the chart name. */}}
{{- define "dko.fullname" -}}
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

{{/* chart label value: name-version. */}}
{{- define "dko.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the operator's pods; never change them on upgrade. */}}
{{- define "dko.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dko.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "dko.labels" -}}
helm.sh/chart: {{ include "dko.chart" . }}
{{ include "dko.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: dash-keycloak-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Name of the ServiceAccount the operator runs as. */}}
{{- define "dko.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "dko.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Image reference: by digest when one is given, else by tag (default: appVersion). */}}
{{- define "dko.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Namespace of the leader-election Lease (the operator's --leader-election-namespace). */}}
{{- define "dko.leaseNamespace" -}}
{{- default .Release.Namespace .Values.leaderElection.namespace -}}
{{- end -}}

{{/*
The permissions the operator needs in every namespace it watches, shared by the ClusterRole
(all namespaces) and the per-namespace Roles (watchNamespaces). Least privilege: nothing to
create or delete, Secrets and ConfigMaps read-only (credentials, SMTP and user passwords,
CA bundles), events.k8s.io Events to report condition transitions.
*/}}
{{- define "dko.watchRules" -}}
- apiGroups: ["identity.dashops.dev"]
  resources: ["dashrealms", "dashgroups", "dashusers", "dashrolebindings"]
  verbs: ["get", "list", "watch", "update", "patch"]
- apiGroups: ["identity.dashops.dev"]
  resources: ["dashrealms/status", "dashgroups/status", "dashusers/status", "dashrolebindings/status"]
  verbs: ["update", "patch"]
- apiGroups: ["identity.dashops.dev"]
  resources: ["dashrealms/finalizers", "dashgroups/finalizers", "dashusers/finalizers", "dashrolebindings/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["secrets", "configmaps"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end -}}

{{/* The Lease the operator elects a leader on; its name is fixed by the operator. */}}
{{- define "dko.leaseName" -}}
dash-keycloak-operator
{{- end -}}
