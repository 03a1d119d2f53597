# Attach the plan to the deployment as an artifact, so the approver reads exactly what the apply
# will change. The Terraform plan step itself logs the plan and keeps it in its output variable
# TerraformPlanOutput, but attaches no file.
PLAN_FILE="terraform-plan.txt"
get_octopusvariable "Octopus.Action[Plan Terraform Changes].Output.TerraformPlanOutput" > "$PLAN_FILE"
if [ ! -s "$PLAN_FILE" ]; then
    echo "Plan Terraform Changes left no plan (output variable TerraformPlanOutput)." >&2
    exit 1
fi
# terraform plan -detailed-exitcode: 0 no changes, 2 changes.
if [ "#{Octopus.Action[Plan Terraform Changes].Output.TerraformPlanDetailedExitCode}" = "0" ]; then
    write_highlight "Terraform plan for #{Octopus.Environment.Name}: no changes."
else
    write_highlight "Terraform plan for #{Octopus.Environment.Name}: changes to review in the artifact terraform-plan-#{Octopus.Environment.Name}.txt."
fi
new_octopusartifact "$PWD/$PLAN_FILE" "terraform-plan-#{Octopus.Environment.Name}.txt"
