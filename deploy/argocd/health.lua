-- Argo CD health of a DashRealm, DashGroup, DashUser or DashRoleBinding (identity.dashops.dev).
-- The operator writes one Ready condition (metav1.Condition) and status.observedGeneration;
-- Ready=False reasons that wait for something else (a group, a Secret, grants being reported,
-- cleanup) are Progressing, every other Ready=False reason needs a person: Degraded.
local hs = {}

local function isWaitingReason(reason)
  if reason == nil then return true end
  if reason == "Progressing" or reason == "DependencyNotReady" or reason == "Deleting" then return true end
  return string.sub(reason, 1, 10) == "WaitingFor"
end

local function readyCondition(status)
  if status == nil or status.conditions == nil then return nil end
  for _, condition in ipairs(status.conditions) do
    if condition.type == "Ready" then return condition end
  end
  return nil
end

if obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil then
  hs.status = "Progressing"
  hs.message = "Deleting: the operator is cleaning up in Keycloak"
  local ready = readyCondition(obj.status)
  if ready ~= nil and ready.message ~= nil and ready.message ~= "" then hs.message = "Deleting: " .. ready.message end
  return hs
end

local ready = readyCondition(obj.status)
if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report a Ready condition"
  return hs
end

local generation = obj.metadata and obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to reconcile generation " .. tostring(generation)
  return hs
end

local message = (ready.reason or "") .. ": " .. (ready.message or "")
if ready.status == "True" then
  hs.status = "Healthy"
elseif ready.status == "False" and not isWaitingReason(ready.reason) then
  hs.status = "Degraded"
else
  hs.status = "Progressing"
end
hs.message = message
return hs
