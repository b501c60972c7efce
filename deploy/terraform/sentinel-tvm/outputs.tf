output "api_endpoint" {
  description = "Base URL of the TVM (for sentinel exec --remote-server); every route needs SigV4-signed requests."
  value       = aws_apigatewayv2_stage.default.invoke_url
}

output "api_id" {
  description = "ID of the HTTP API."
  value       = aws_apigatewayv2_api.tvm.id
}

output "api_execution_arn" {
  description = "Execution ARN of the HTTP API, for callers' execute-api:Invoke permissions."
  value       = aws_apigatewayv2_api.tvm.execution_arn
}

output "function_name" {
  description = "Name of the TVM function."
  value       = aws_lambda_function.tvm.function_name
}

output "function_arn" {
  description = "ARN of the TVM function."
  value       = aws_lambda_function.tvm.arn
}

output "tvm_role_arn" {
  description = "The TVM's execution role: the only principal the protected roles trust."
  value       = aws_iam_role.tvm.arn
}

output "profile_roles" {
  description = "The TVM's profile registry: profile name => role ARN."
  value       = local.profile_roles
}

output "table_names" {
  description = "The state tables, by purpose."
  value = {
    sessions    = aws_dynamodb_table.sessions.name
    rate_limits = aws_dynamodb_table.rate_limits.name
    requests    = aws_dynamodb_table.requests.name
    breakglass  = aws_dynamodb_table.breakglass.name
  }
}

output "protected_role_trust_policy_json" {
  description = "The trust policy to give roles in existing_protected_roles."
  value       = data.aws_iam_policy_document.protected_trust.json
}

output "revoker_policy_json" {
  description = "An identity policy for the people or automation that run 'sentinel server-revoke --now' and '--cleanup'."
  value       = data.aws_iam_policy_document.revoker.json
}
