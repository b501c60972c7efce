data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  function_name = "${var.name_prefix}-tvm"
  account_id    = data.aws_caller_identity.current.account_id
  region        = data.aws_region.current.name
  partition     = data.aws_partition.current.partition

  # Profile name => role ARN: the TVM's profile registry. Callers name a profile, never a role.
  profile_roles = merge(
    { for profile, role in aws_iam_role.protected : profile => role.arn },
    var.existing_protected_roles,
  )

  # The only routes; each one needs a SigV4-signed request (API Gateway IAM authorization).
  routes = {
    profiles    = "GET /profiles"
    credentials = "GET /credentials"
    sessions    = "POST /sessions"
  }

  # The workflows the function honours: each one whose policy is given, with the table people write to.
  workflow_policies = {
    for name, policy in { approvals = var.approval_policy, breakglass = var.breakglass_policy } :
    name => policy if policy != null
  }

  tables = [
    aws_dynamodb_table.sessions.arn,
    aws_dynamodb_table.rate_limits.arn,
    aws_dynamodb_table.requests.arn,
    aws_dynamodb_table.breakglass.arn,
  ]

  protected_policy_attachments = {
    for pair in flatten([
      for profile, role in var.protected_roles : [
        for policy in role.managed_policy_arns : { profile = profile, policy_arn = policy }
      ]
    ]) : join(" ", [pair.profile, pair.policy_arn]) => pair
  }
}

# ---------------------------------------------------------------------------------------------------
# State: sessions, rate limits, access requests, break-glass events. Every table is encrypted at rest
# (the AWS managed key, or table_kms_key_arn), keeps 35 days of point-in-time recovery, and cannot be
# deleted until deletion protection is turned off on purpose.
# ---------------------------------------------------------------------------------------------------

resource "aws_dynamodb_table" "sessions" {
  name                        = "${var.name_prefix}-sessions"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = true

  attribute {
    name = "id"
    type = "S"
  }

  # A session is removed 30 days after it ends.
  ttl {
    attribute_name = "ttl"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.table_kms_key_arn
  }

  tags = var.tags
}

resource "aws_dynamodb_table" "rate_limits" {
  name                        = "${var.name_prefix}-rate-limits"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = true

  attribute {
    name = "id"
    type = "S"
  }

  # A caller's window is removed once it is long over (DynamoDbRateLimiter writes expires_at).
  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.table_kms_key_arn
  }

  tags = var.tags
}

# Access requests are audit records: no TTL.
resource "aws_dynamodb_table" "requests" {
  name                        = "${var.name_prefix}-requests"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = true

  attribute {
    name = "id"
    type = "S"
  }

  attribute {
    name = "created"
    type = "S"
  }

  attribute {
    name = "requester"
    type = "S"
  }

  attribute {
    name = "profile"
    type = "S"
  }

  attribute {
    name = "status"
    type = "S"
  }

  global_secondary_index {
    name            = "gsi-requester"
    hash_key        = "requester"
    range_key       = "created"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "gsi-profile"
    hash_key        = "profile"
    range_key       = "created"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "gsi-status"
    hash_key        = "status"
    range_key       = "created"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.table_kms_key_arn
  }

  tags = var.tags
}

# Break-glass events are audit records too: no TTL.
resource "aws_dynamodb_table" "breakglass" {
  name                        = "${var.name_prefix}-breakglass"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = true

  attribute {
    name = "id"
    type = "S"
  }

  attribute {
    name = "created"
    type = "S"
  }

  attribute {
    name = "invoker"
    type = "S"
  }

  attribute {
    name = "status"
    type = "S"
  }

  attribute {
    name = "profile"
    type = "S"
  }

  global_secondary_index {
    name            = "gsi-invoker"
    hash_key        = "invoker"
    range_key       = "created"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "gsi-status"
    hash_key        = "status"
    range_key       = "created"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "gsi-profile"
    hash_key        = "profile"
    range_key       = "created"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.table_kms_key_arn
  }

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------------
# The TVM's execution role: it may assume only the protected roles (with a SourceIdentity and session
# tags), use only its own tables, read only the policy and signature parameters, and write only its own
# log group.
# ---------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "tvm_trust" {
  statement {
    sid     = "LambdaService"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "tvm" {
  name               = "${var.name_prefix}-tvm"
  description        = "Sentinel token vending machine (Lambda execution role)"
  assume_role_policy = data.aws_iam_policy_document.tvm_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "tvm" {
  statement {
    sid       = "AssumeProtectedRoles"
    effect    = "Allow"
    actions   = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]
    resources = values(local.profile_roles)
  }

  statement {
    sid    = "OwnTables"
    effect = "Allow"
    actions = [
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ]
    resources = concat(local.tables, [for table in local.tables : "${table}/index/*"])
  }

  statement {
    sid     = "PolicyParameters"
    effect  = "Allow"
    actions = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
    resources = concat([
      "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.policy_parameter_prefix}",
      "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.policy_parameter_prefix}/*",
      "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.signature_parameter_prefix}/*",
      aws_ssm_parameter.registry.arn,
    ], [for parameter in aws_ssm_parameter.workflow_policy : parameter.arn])
  }

  statement {
    sid       = "OwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.tvm.arn}:*"]
  }

  dynamic "statement" {
    for_each = var.policy_signing_kms_key_arn == null ? [] : [var.policy_signing_kms_key_arn]
    content {
      sid       = "VerifyPolicySignatures"
      effect    = "Allow"
      actions   = ["kms:Verify", "kms:GetPublicKey"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.table_kms_key_arn == null ? [] : [var.table_kms_key_arn]
    content {
      sid       = "TableEncryptionThroughDynamoDb"
      effect    = "Allow"
      actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["dynamodb.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "tvm" {
  name   = "sentinel-tvm"
  role   = aws_iam_role.tvm.id
  policy = data.aws_iam_policy_document.tvm.json

  lifecycle {
    precondition {
      condition     = length(local.profile_roles) > 0
      error_message = "Give the TVM at least one role to vend: protected_roles or existing_protected_roles."
    }
  }
}

# ---------------------------------------------------------------------------------------------------
# Protected roles: only the TVM role may assume them, only with a Sentinel SourceIdentity. AWS requires
# sts:SetSourceIdentity to pass a SourceIdentity and sts:TagSession to pass session tags.
# ---------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "protected_trust" {
  statement {
    sid     = "SentinelTvm"
    effect  = "Allow"
    actions = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.tvm.arn]
    }

    condition {
      test     = "StringLike"
      variable = "sts:SourceIdentity"
      values   = ["sentinel.*"]
    }
  }
}

resource "aws_iam_role" "protected" {
  for_each = var.protected_roles

  name                 = each.value.role_name
  description          = "Vended by Sentinel for profile ${each.key}"
  assume_role_policy   = data.aws_iam_policy_document.protected_trust.json
  max_session_duration = each.value.max_session_duration
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "protected" {
  for_each = local.protected_policy_attachments

  role       = aws_iam_role.protected[each.value.profile].name
  policy_arn = each.value.policy_arn
}

# What `sentinel server-revoke --now` and `--cleanup` need on the protected roles (docs/credentials.md).
data "aws_iam_policy_document" "revoker" {
  statement {
    sid       = "SentinelRevokeNow"
    effect    = "Allow"
    actions   = ["iam:DeleteRolePolicy", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:PutRolePolicy"]
    resources = values(local.profile_roles)
  }
}

# ---------------------------------------------------------------------------------------------------
# The profile registry: the only roles the TVM assumes, by profile name (docs/tvm.md). Callers name a
# profile, never a role.
# ---------------------------------------------------------------------------------------------------

resource "aws_ssm_parameter" "registry" {
  name = "${var.registry_parameter_prefix}/${var.name_prefix}"
  type = "String"
  value = join("\n", concat(
    ["version: \"1\"", "profiles:"],
    flatten([for profile, role in local.profile_roles : ["  ${profile}:", "    role_arn: ${role}"]]),
  ))
  tags = var.tags
}

# The approval and break-glass policies the function checks approved requests and active break-glass
# events against (docs/tvm.md). People request, approve and invoke with the sentinel command, against
# the requests and breakglass tables; the function only reads them.
resource "aws_ssm_parameter" "workflow_policy" {
  for_each = local.workflow_policies

  name  = "${var.workflow_parameter_prefix}/${var.name_prefix}/${each.key}"
  type  = "String"
  tier  = length(each.value) > 4096 ? "Advanced" : "Standard"
  value = each.value
  tags  = var.tags
}

# ---------------------------------------------------------------------------------------------------
# The function and its logs.
# ---------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "tvm" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "tvm" {
  function_name    = local.function_name
  description      = "Sentinel token vending machine"
  role             = aws_iam_role.tvm.arn
  runtime          = var.lambda_runtime
  handler          = var.lambda_handler
  architectures    = [var.lambda_architecture]
  filename         = var.lambda_jar_path
  source_code_hash = filebase64sha256(var.lambda_jar_path)
  memory_size      = var.lambda_memory_mb
  timeout          = var.lambda_timeout_seconds

  environment {
    variables = merge(
      {
        SENTINEL_POLICY_SSM_PREFIX          = var.policy_parameter_prefix
        SENTINEL_PROFILE_REGISTRY_PARAMETER = aws_ssm_parameter.registry.name
        SENTINEL_SESSION_TABLE              = aws_dynamodb_table.sessions.name
        SENTINEL_RATE_LIMIT_TABLE           = aws_dynamodb_table.rate_limits.name
      },
      var.policy_signing_kms_key_arn == null ? {} : { SENTINEL_POLICY_SIGNING_KEY = "kms:${var.policy_signing_kms_key_arn}" },
      var.approval_policy == null ? {} : {
        SENTINEL_APPROVAL_TABLE            = aws_dynamodb_table.requests.name
        SENTINEL_APPROVAL_POLICY_PARAMETER = aws_ssm_parameter.workflow_policy["approvals"].name
      },
      var.breakglass_policy == null ? {} : {
        SENTINEL_BREAKGLASS_TABLE            = aws_dynamodb_table.breakglass.name
        SENTINEL_BREAKGLASS_POLICY_PARAMETER = aws_ssm_parameter.workflow_policy["breakglass"].name
      },
    )
  }

  depends_on = [aws_cloudwatch_log_group.tvm, aws_iam_role_policy.tvm]
  tags       = var.tags
}

# ---------------------------------------------------------------------------------------------------
# The HTTP API: three routes, each requiring AWS_IAM (SigV4) authorization, so the caller's identity
# comes from AWS and never from the request.
# ---------------------------------------------------------------------------------------------------

resource "aws_apigatewayv2_api" "tvm" {
  name          = "${var.name_prefix}-tvm"
  description   = "Sentinel token vending machine"
  protocol_type = "HTTP"
  tags          = var.tags
}

resource "aws_apigatewayv2_integration" "tvm" {
  api_id                 = aws_apigatewayv2_api.tvm.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = aws_lambda_function.tvm.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 30000
}

resource "aws_apigatewayv2_route" "tvm" {
  for_each = local.routes

  api_id             = aws_apigatewayv2_api.tvm.id
  route_key          = each.value
  authorization_type = "AWS_IAM"
  target             = "integrations/${aws_apigatewayv2_integration.tvm.id}"
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/apigateway/${var.name_prefix}-tvm"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.tvm.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit = var.api_throttling_burst_limit
    throttling_rate_limit  = var.api_throttling_rate_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api.arn
    format = jsonencode({
      requestId = "$context.requestId"
      time      = "$context.requestTime"
      route     = "$context.routeKey"
      status    = "$context.status"
      caller    = "$context.identity.userArn"
      sourceIp  = "$context.identity.sourceIp"
      latencyMs = "$context.responseLatency"
    })
  }

  tags = var.tags
}

# API Gateway may invoke the function for exactly these routes.
resource "aws_lambda_permission" "api" {
  for_each = local.routes

  statement_id  = "api-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.tvm.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.tvm.execution_arn}/*/${replace(each.value, " ", "")}"
}
