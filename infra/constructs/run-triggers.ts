import { Duration, TimeZone } from 'aws-cdk-lib';
import { type EventPattern, Rule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SCHEDULE_SOURCE } from '../../shared/domain/runs/run-requests';
import { manifestUploadedPattern, type ScheduleSpec } from '../topology/triggers';

export interface RunTriggersProps {
  readonly stateMachine: IStateMachine;
  readonly landingBucket: IBucket;
  readonly schedule: ScheduleSpec;
  /** The partner whose latest batch the recurring run plans on. */
  readonly schedulePartner: string;
}

/**
 * What starts a run on AWS: a partner's manifest landing in the bucket (EventBridge rule), and the
 * weekly schedule (EventBridge Scheduler). A start that still fails after the retries lands in one
 * dead-letter queue, so a missed run is visible instead of silently lost.
 */
export class RunTriggers extends Construct {
  public readonly manifestRule: Rule;
  public readonly weeklySchedule: Schedule;
  public readonly deadLetterQueue: Queue;

  public constructor(scope: Construct, id: string, props: RunTriggersProps) {
    super(scope, id);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.manifestRule = new Rule(this, 'ManifestUploaded', {
      description: 'Starts a campaign run when a partner uploads a batch manifest.',
      eventPattern: eventPatternOf(manifestUploadedPattern(props.landingBucket.bucketName)),
    });
    // Input defaults to the whole event, which is what RegisterRun parses.
    this.manifestRule.addTarget(
      new SfnStateMachine(props.stateMachine, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(2),
      }),
    ); // No physical name: CloudFormation generates one, so two deployments in an account don't clash.
    // The input carries the logical name, which is what a run's claim uses.
    this.weeklySchedule = new Schedule(this, 'WeeklyCampaign', {
      description: props.schedule.description,
      schedule: ScheduleExpression.expression(
        props.schedule.expression,
        TimeZone.of(props.schedule.timezone),
      ),
      target: new StepFunctionsStartExecution(props.stateMachine, {
        input: ScheduleTargetInput.fromObject({
          source: SCHEDULE_SOURCE,
          scheduleName: props.schedule.name,
          // The planned time, not the delivery time, so a retried start is the same claim.
          scheduledAt: ContextAttribute.scheduledTime,
          partner: props.schedulePartner,
        }),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(2),
      }),
    });
  }
}

/** The shared pattern in CDK's shape (camelCase `detailType`, mutable arrays); rendered identically. */
function eventPatternOf(pattern: ReturnType<typeof manifestUploadedPattern>): EventPattern {
  return {
    source: [...pattern.source],
    detailType: [...pattern['detail-type']],
    detail: pattern.detail,
  };
}
